/*
 * ipclab/rundir.h - the private runtime directory that holds the FIFOs.
 *
 * Which directory: --dir DIR, else $IPCLAB_DIR, else $XDG_RUNTIME_DIR/ipclab,
 * else /tmp/ipclab-UID. Whoever can open the FIFOs can talk to the server,
 * so the directory must be ours alone: created 0700, and refused when it is
 * a symlink, not a directory, owned by someone else, or writable by group
 * or others. Inside it:
 *
 *   fifo1 .. fifo4    the FIFOs, created 0600 by the server
 *   server.lock       held locked by the running server (an open file
 *                     description lock, released by the kernel when the
 *                     server dies, so a crash never leaves it stuck); its
 *                     text is "PID MODE\n", e.g. "4711 rt"
 *
 * A server that gets the lock but finds FIFOs left over knows their owner
 * crashed, and recreates them.
 */
#ifndef IPCLAB_RUNDIR_H
#define IPCLAB_RUNDIR_H

#include <stddef.h>
#include <sys/types.h>

#include "ipclab/fifo.h"
#include "ipclab/sig.h"

#define IPCLAB_DIR_ENV "IPCLAB_DIR"

/*
 * Choose the runtime directory: 'opt' (from --dir) when not NULL, else the
 * environment as described above. Writes it to buf. Returns 0, or -1 with
 * ENAMETOOLONG.
 */
int
ipc_rundir_resolve(const char *opt, char *buf, size_t size);

/*
 * Check that 'dir' is safe to use, as above. Returns 0, or -1 with errno:
 * ENOENT (missing), ELOOP (a symlink), ENOTDIR, EPERM (owned by another
 * user), EACCES (writable by group or others).
 */
int
ipc_rundir_check(const char *dir);

/* Create 'dir' 0700 when missing (its parent must exist), then check it. */
int
ipc_rundir_prepare(const char *dir);

/*
 * Open 'dir' once (O_DIRECTORY | O_NOFOLLOW), creating it 0700 first when
 * 'create' and it is missing, and check the descriptor (fstat(): a
 * directory, ours, not writable by group or others; errors as
 * ipc_rundir_check()). Returns the descriptor: open and create everything
 * inside relative to it (the *_at functions), never through the path
 * again, so that someone who can write to the parent cannot swap the
 * directory between the check and the use. -1 on error.
 */
int
ipc_rundir_open(const char *dir, int create);

/* The name of FIFO 'no' (1..4) inside the directory: "fifo1"... */
const char *
ipc_rundir_fifo_name(enum ipc_fifo_no no);

/*
 * A client's side: open FIFO 'no' of the directory 'dir' open as dirfd
 * (ipc_fifo_open_at()), or end the program with one line and exit status
 * 1: "no server running on 'DIR'" when the FIFO is missing or has no
 * reader (ENOENT, ENXIO), else the error (ipc_die_kind()).
 */
int
ipc_rundir_fifo_open_or_exit(int dirfd, const char *dir, enum ipc_fifo_no no,
                             int flags);

/* ipc_rundir_lock(), ipc_rundir_server() and ipc_rundir_clean() for the
   directory open as 'dirfd' (ipc_rundir_open()) */
int
ipc_rundir_lock_at(int dirfd, enum ipc_sig_mode mode, pid_t *holder);

int
ipc_rundir_server_at(int dirfd, pid_t *pid, enum ipc_sig_mode *mode);

int
ipc_rundir_clean_at(int dirfd);

/*
 * Remove 'path' and everything under it, never following a symbolic link.
 * 0, or -1 with errno from the first entry that could not be removed.
 */
int
ipc_remove_tree(const char *path);

/* Path of 'name' inside 'dir' into buf; -1 with ENAMETOOLONG. */
int
ipc_rundir_path(char *buf, size_t size, const char *dir, const char *name);

/* Path of FIFO 'no' (1..4) inside 'dir'. */
int
ipc_rundir_fifo(char *buf, size_t size, const char *dir, enum ipc_fifo_no no);

/*
 * Take the server lock of 'dir' and publish "PID MODE". Returns the lock's
 * fd (keep it open while serving), or -1: EBUSY when another server holds
 * it, with its pid in *holder.
 */
int
ipc_rundir_lock(const char *dir, enum ipc_sig_mode mode, pid_t *holder);

/*
 * Find the running server of 'dir': its pid and signal mode. Returns 0, or
 * -1 with ESRCH when no server holds the lock (none started, or it died).
 */
int
ipc_rundir_server(const char *dir, pid_t *pid, enum ipc_sig_mode *mode);

/*
 * Remove the FIFOs and the lock file of 'dir' (not the directory itself:
 * it may be the user's own choice). Missing files are not an error.
 * Returns 0, or -1 with the first unlink() error.
 */
int
ipc_rundir_clean(const char *dir);

#endif /* IPCLAB_RUNDIR_H */
