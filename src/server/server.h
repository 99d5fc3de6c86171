/*
 * server/server.h - the server's state, shared by its three files:
 *
 *   main.c     options, set-up, the event loop, shutdown
 *   channel.c  the shared-FIFO handshake (FIFO2 and FIFO3)
 *   route.c    requests, processing clients, results
 *   clients.c  the requesting clients it knows, watched through pidfds
 *
 * The server is one thread around one epoll_wait(): FIFO1 (requests),
 * FIFO4 (results), a signalfd (acks, SIGCHLD, SIGINT/SIGTERM) and a pidfd
 * per known client (its exit). It never blocks anywhere else, so one slow
 * or dead peer cannot stall the others.
 */
#ifndef IPCLAB_SERVER_H
#define IPCLAB_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "ipclab/record.h"
#include "ipclab/sig.h"

#define MAX_REQUESTS 1024       /* in flight at once; beyond: back-pressure */
#define MAX_STALLED  64         /* clients remembered as not acknowledging */
#define MAX_CLIENTS  256        /* clients remembered as readers of FIFO2 */

/* Where a request is on its way through the server. */
enum req_state {
    REQ_FREE = 0,
    REQ_TO_WORKER,              /* queued on FIFO3 or announced in it */
    REQ_AT_WORKER,              /* a processing client acknowledged it */
    REQ_TO_CLIENT,              /* the result, queued on FIFO2 or in it */
};

struct req {
    struct ipc_record rec;      /* the request; later, in place, its result */
    enum req_state state;
    pid_t worker;               /* REQ_AT_WORKER: who computes it */
    bool early_result;          /* rec holds the result already: it came
                                   through FIFO4 before the worker's ack
                                   was taken from the signalfd */
    struct req *next;           /* channel queue link */
};

/*
 * A shared FIFO with its handshake. Invariant: at most one record sits in
 * the FIFO ('busy'); the next is written only after its reader's ack, or
 * after the server has reclaimed the first.
 */
struct channel {
    enum ipc_fifo_no no;        /* IPC_FIFO2 or IPC_FIFO3 */
    int wfd;                    /* write end */
    int rfd;                    /* our own read end: keeps the FIFO open
                                   and lets us take back an unread record */
    struct req *head, *tail;    /* waiting to be written */
    struct req *busy;           /* in the FIFO, announced to 'peer' */
    pid_t peer;                 /* the reader that must acknowledge */
    int64_t deadline;           /* when we stop waiting for that ack */
};

/* A persistent processing client (pool mode) */
struct worker {
    pid_t pid;                  /* 0 when not running */
    int failures;               /* consecutive deaths without work done */
};

/* A requesting client known to read FIFO2 (clients.c) */
struct client {
    pid_t pid;
    int pidfd;                  /* readable once the process has exited */
};

/* What clients_admit() found out about the pid a request names */
enum client_check {
    CLIENT_OK,                  /* a reader of FIFO2: serve it */
    CLIENT_GONE,                /* no such process: the request is stale */
    CLIENT_NOT_READER,          /* not a reader of FIFO2: do not signal it */
};

struct server {
    /* configuration */
    const char *dir;
    struct ipc_sigs sigs;
    bool per_request;           /* --spawn per-request */
    enum ipc_sched sched;       /* --sched: batch (0) or normal */
    int ack_timeout_ms;
    int work_delay_ms;          /* passed to workers as --delay */
    long worker_crash_after;    /* passed to workers as --crash-after */
    bool skip_ack_wait;         /* --unsafe-no-ack: lab 04 and tests only */
    char worker_dir[PATH_MAX];  /* where ipclab-sum & co. are */

    /* descriptors */
    int lock_fd, sig_fd;
    int epoll_fd;               /* FIFO1, FIFO4, sig_fd, client pidfds */
    bool fd1_watched;           /* FIFO1 in the epoll set (back-pressure) */
    int fd1_read, fd1_keep;     /* FIFO1: read end, and a write end kept
                                   open so read() never sees EOF */
    int fd4_read, fd4_keep;
    struct ipc_rec_reader in1, in4;
    struct channel to_client;   /* FIFO2 */
    struct channel to_worker;   /* FIFO3 */

    /* state */
    struct req reqs[MAX_REQUESTS];
    int in_use;
    struct worker pool[IPC_OP_COUNT + 1];      /* indexed by op */
    struct client clients[MAX_CLIENTS];
    int nclients;
    pid_t stalled[MAX_STALLED]; /* ring of clients that did not ack */
    int stalled_next;
    bool stopping;
    unsigned long served, dropped_results;
    unsigned long dropped_records;  /* valid records refused: duplicate,
                                       stale, naming no client */
};

/* channel.c */
void
channel_init(struct channel *ch, enum ipc_fifo_no no);

void
channel_push(struct server *s, struct channel *ch, struct req *r);

void
channel_pump(struct server *s, struct channel *ch);

bool
channel_ack(struct server *s, struct channel *ch,
            const struct ipc_sig_event *ev);

void
channel_check_timeout(struct server *s, struct channel *ch);

void
channel_forget_peer(struct server *s, struct channel *ch, pid_t peer);

/* route.c */
void
route_request(struct server *s, const struct ipc_record *rec);

void
route_result(struct server *s, const struct ipc_record *rec);

pid_t
route_pick_worker(struct server *s, struct req *r);

void
route_acked_by_worker(struct server *s, struct req *r, pid_t worker);

void
route_delivered(struct server *s, struct req *r);

void
route_fail(struct server *s, struct req *r, int status);

void
route_reclaimed_from_client(struct server *s, struct req *r, pid_t client);

void
route_drop_result(struct server *s, struct req *r);

void
route_child_exited(struct server *s, pid_t pid, int code);

int
route_start_pool(struct server *s);

void
route_stop_pool(struct server *s);

bool
route_is_stalled(const struct server *s, pid_t pid);

/* clients.c */
enum client_check
clients_admit(struct server *s, pid_t pid);

/* True while pid is a known client, or (unknown) exists at all */
bool
clients_alive(struct server *s, pid_t pid);

/* The pidfd 'fd' became readable: forget its client. False: not a pidfd. */
bool
clients_exited(struct server *s, int fd);

void
clients_forget_all(struct server *s);

#endif /* IPCLAB_SERVER_H */
