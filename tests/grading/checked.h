/*
 * tests/grading/checked.h - the system calls whose result code students
 * read must use: force-included (clang -include) into each exercise's
 * files and reference solution with -Werror=unused-result by
 * tests/grading (case checked).
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECKED __attribute__((warn_unused_result))
CHECKED int open(const char *, int, ...);
CHECKED int close(int);
CHECKED ssize_t read(int, void *, size_t);
CHECKED ssize_t write(int, const void *, size_t);
CHECKED int mkfifo(const char *, mode_t);
CHECKED int chmod(const char *, mode_t);
CHECKED int fstat(int, struct stat *);
CHECKED int stat(const char *restrict, struct stat *restrict);
CHECKED int unlink(const char *);
CHECKED int poll(struct pollfd *, nfds_t, int);
CHECKED int pipe(int[2]);
CHECKED int dup2(int, int);
CHECKED int fcntl(int, int, ...);
CHECKED pid_t fork(void);
CHECKED pid_t waitpid(pid_t, int *, int);
CHECKED int kill(pid_t, int);
CHECKED int sigqueue(pid_t, int, const union sigval);
CHECKED int sigaction(int, const struct sigaction *restrict,
                      struct sigaction *restrict);
CHECKED int sigprocmask(int, const sigset_t *restrict, sigset_t *restrict);
CHECKED int pthread_sigmask(int, const sigset_t *restrict,
                            sigset_t *restrict);
CHECKED int sigpending(sigset_t *);
CHECKED int sigsuspend(const sigset_t *);
CHECKED int sigtimedwait(const sigset_t *restrict, siginfo_t *restrict,
                         const struct timespec *restrict);
CHECKED int sigwaitinfo(const sigset_t *restrict, siginfo_t *restrict);
CHECKED int clock_gettime(clockid_t, struct timespec *);
CHECKED int nanosleep(const struct timespec *, struct timespec *);
