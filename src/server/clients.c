/*
 * server/clients.c - the requesting clients the server knows.
 *
 * Before it signals the pid a request names, the server must know that
 * this pid reads FIFO2: a 'ready' sent to any other process would kill it.
 * It asks /proc once per client and remembers the answer while that
 * process lives, watching a pidfd (pidfd_open(2)) in its epoll set that
 * becomes readable when that very process exits: a pid is reused only
 * after that. With the table full, or no pidfd, it asks /proc every time.
 * The table never takes the descriptors that asking needs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipclab/proc.h"
#include "ipclab/trace.h"
#include "server.h"

/* Descriptors that checking a new client takes: its pidfd, /proc/PID/fd
   and one of its fdinfo files (ipc_proc_reads_fifo()) */
#define CHECK_FDS 3

/* Remember as many clients as leave CHECK_FDS descriptors free */
int
clients_init(struct server *s)
{
    struct rlimit rl;
    rlim_t room;
    int open = -1;              /* opendir()'s own descriptor: not ours */
    DIR *d;

    if (getrlimit(RLIMIT_NOFILE, &rl) == -1 ||
        (d = opendir("/proc/self/fd")) == NULL)
        return -1;
    while (readdir(d) != NULL)
        open++;
    closedir(d);
    open -= 2;                  /* "." and ".." */
    if (rl.rlim_cur < (rlim_t)open + CHECK_FDS) {
        errno = EMFILE;         /* no client could ever be checked */
        return -1;
    }
    room = rl.rlim_cur - (rlim_t)open - CHECK_FDS;
    s->max_clients = room < MAX_CLIENTS ? (int)room : MAX_CLIENTS;
    return 0;
}

bool
clients_known(const struct server *s, pid_t pid)
{
    for (int i = 0; i < s->nclients; i++)
        if (s->clients[i].pid == pid)
            return true;
    return false;
}

/*
 * An ordinary user's server in a user namespace of its own (traces/record.sh)
 * may not look at the open files of that user's processes outside it: serve
 * such a process, which it may signal anyway, but no other user's. In the
 * initial namespace (its uid_map maps every uid) a process whose files are
 * hidden from us (not dumpable) is refused.
 */
static bool
same_user_outside(pid_t pid)
{
    char path[32];
    struct stat st;
    unsigned long first, lower, count;
    FILE *f = fopen("/proc/self/uid_map", "re");
    bool inside = f != NULL && fscanf(f, "%lu %lu %lu", &first, &lower,
                                      &count) == 3 && count != 4294967295UL;

    if (f != NULL)
        fclose(f);
    snprintf(path, sizeof(path), "/proc/%ld", (long)pid);
    return inside && stat(path, &st) == 0 && st.st_uid == getuid();
}

/* May the server send "ready" to pid, the sender of a request? */
enum client_check
clients_admit(struct server *s, pid_t pid)
{
    struct epoll_event ev = { .events = EPOLLIN };
    bool reader;
    int fd;

    if (clients_known(s, pid))
        return CLIENT_OK;
    if (pid == getpid())
        return CLIENT_NOT_READER;

    /* the pidfd first: it pins down which process 'pid' means now */
    fd = pidfd_open(pid, 0);                    /* close-on-exec */
    if (fd == -1 && errno == ESRCH)
        return CLIENT_GONE;
    reader = ipc_proc_reads_fifo(pid, s->fifo2.wfd);
    if (!reader && (errno == EACCES || errno == EPERM) && getuid() != 0)
        reader = same_user_outside(pid);
    if (fd == -1)               /* EMFILE...: serve it, ask again next time */
        return reader ? CLIENT_OK : CLIENT_NOT_READER;
    if (!reader) {
        close(fd);
        return CLIENT_NOT_READER;
    }
    /* signal 0 fails once the process is gone: then /proc may have shown
       a new process with the same pid */
    if (pidfd_send_signal(fd, 0, NULL, 0) == -1) {
        close(fd);
        return CLIENT_GONE;
    }
    /* remembered while its pidfd, in the epoll set, says it lives */
    ev.data.fd = fd;
    errno = ENOSPC;
    if (s->nclients < s->max_clients &&
        epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, fd, &ev) == 0) {
        s->clients[s->nclients++] = (struct client){ pid, fd };
    } else {
        IPCLAB_TP(error, "remember client", errno);
        close(fd);              /* served, but asked again next time */
    }
    return CLIENT_OK;
}

/* True while pid is a known client, or (unknown) exists and is no zombie */
bool
clients_alive(const struct server *s, pid_t pid)
{
    return clients_known(s, pid) ||
           ipc_proc_run_state(pid) != IPCLAB_PROC_GONE;
}

/* The pidfd fd became readable: forget its client and return its pid;
   0 when fd is no client's pidfd */
pid_t
clients_exited(struct server *s, int fd)
{
    for (int i = 0; i < s->nclients; i++) {
        pid_t pid = s->clients[i].pid;

        if (s->clients[i].pidfd != fd)
            continue;
        close(fd);              /* and out of the epoll set with it */
        s->clients[i] = s->clients[--s->nclients];
        return pid;
    }
    return 0;
}

void
clients_forget_all(struct server *s)
{
    while (s->nclients > 0)
        close(s->clients[--s->nclients].pidfd);
}
