/*
 * server/server.h - the server's state, shared by its four files:
 *
 *   main.c       options, set-up, the event loop serve(), shutdown
 *   handshake.c  one record at a time through a shared FIFO (FIFO2, FIFO3)
 *   route.c      requests, processing clients, results: every decision
 *   clients.c    the requesting clients it knows, watched through pidfds
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
#include "ipclab/worker.h"

#define MAX_REQUESTS 1024       /* in flight at once; beyond: back-pressure */
#define MAX_CLIENTS  256        /* clients remembered as readers of FIFO2 */
#define MAX_PEERS    MAX_REQUESTS /* peers remembered as unable to take:
                                   one for every record held, at most */
/* room kept for every record one fill of the FIFO1 reader can bring in */
#define ROOM ((int)(IPCLAB_READER_BUF / sizeof(struct ipc_record)))
#define CHECK_MS     10         /* how often a silent or stopped peer is
                                   looked at */

/* Where a request is; TO_WORKER and TO_CLIENT are queues, by ticket */
enum req_state {
    REQ_FREE = 0,
    REQ_TO_WORKER,              /* waiting for FIFO3, or in it */
    REQ_AT_WORKER,              /* a processing client acknowledged it */
    REQ_TO_CLIENT,              /* its result, waiting for FIFO2, or in it */
    REQ_READ,                   /* delivered, read without an ack: kept in
                                   case a stale reader gives it back */
};

struct req {
    struct ipc_record rec;      /* the request; later, in place, its result */
    enum req_state state;
    uint64_t ticket;            /* arrival order: the oldest goes first */
    pid_t worker;               /* who computes it */
    bool early_result;          /* its result came before the worker's ack */
    bool offered_again;         /* read without an ack, offered once more */
};

/* A FIFO with many readers: at most one record in it at a time */
struct handshake {
    enum ipc_fifo_no no;
    int wfd, rfd;               /* our read end lets us take a record back */
    struct req *busy;           /* in the FIFO, announced to 'reader' */
    pid_t reader;
    int64_t deadline;           /* ack timeout */
    int64_t next_check;         /* when to look at a silent reader */
    int ack_timeout_ms;         /* how long a running reader may be silent */
    bool skip_ack_wait;         /* --unsafe-no-ack: lab 04 and tests only */
    bool said_no_queue;         /* "ready" could not be queued: said once */
};

/* What the handshake reports: what became of which record, and why */
enum hs_outcome {
    HS_WAITING,                 /* nothing yet */
    HS_ACKED,                   /* read and acknowledged */
    HS_READ,                    /* read, but not acknowledged */
    HS_TAKEN_BACK,              /* unread: the server took it back */
};

enum hs_reason {
    HS_REASON_NONE,
    HS_REASON_STOPPED,          /* the reader is stopped (SIGSTOP...) */
    HS_REASON_GONE,             /* the reader exited */
    HS_REASON_TIMEOUT,          /* running, but silent for --ack-timeout */
    HS_REASON_PROTOCOL,         /* acked unread, garbage, given back, or an
                                   ack from our reader that changes nothing */
    HS_REASON_FAILED,           /* the write into the FIFO, or "ready", failed */
};

struct hs_report {
    enum hs_outcome outcome;
    enum hs_reason why;
    struct req *r;
    pid_t reader;
};

/* A reader of FIFO2 or FIFO3 as the routing sees it: nothing is offered
   to one that is not RUNNING */
enum peer_state {
    PEER_RUNNING = 0,
    PEER_STOPPED,               /* seen stopped (SIGSTOP...) */
    PEER_RESTARTING,            /* a pool worker that died, not started yet */
};

struct peer {
    pid_t pid;                  /* 0 while RESTARTING */
    enum peer_state state;
    int64_t when;               /* when to look at it again, or start it */
    int failures;               /* pool: deaths in a row without work done */
};

/* A requesting client known to read FIFO2 (clients.c) */
struct client {
    pid_t pid;
    int pidfd;                  /* readable once the process has exited */
};

enum client_check { CLIENT_OK, CLIENT_GONE, CLIENT_NOT_READER };

struct server {
    /* configuration */
    const char *dir;
    struct ipc_sigs sigs;
    enum ipc_sched sched;
    int ack_timeout_ms;         /* also in fifo2 and fifo3 */
    struct ipc_worker_args workers; /* their command line; once: --spawn
                                       per-request */
    char worker_dir[PATH_MAX];

    /* descriptors */
    int dir_fd, lock_fd, sig_fd, epoll_fd;
    bool fd1_watched;           /* FIFO1 in the epoll set (back-pressure) */
    int fd1_read, fd1_keep;     /* read end, and a write end against EOF */
    int fd4_read, fd4_keep;
    struct ipc_rec_reader in1, in4;
    struct handshake fifo2, fifo3;

    /* state */
    struct req reqs[MAX_REQUESTS];
    int top;                    /* reqs[top] and after: all FREE */
    int in_use;                 /* neither FREE nor READ */
    uint64_t tickets;
    struct client clients[MAX_CLIENTS];
    int nclients, max_clients;  /* max_clients: what RLIMIT_NOFILE allows */
    /* peers[op]: the pool's worker for op (pool mode); after them, the
       other peers seen stopped */
    struct peer peers[IPCLAB_OP_COUNT + 1 + MAX_PEERS];
    int npeers;                 /* peers[npeers] and after: unused */
    int64_t stop_at;            /* 0 while serving, else when to stop;
                                   -1 once closed: requests refused */
    unsigned long served, dropped_results, dropped_records;
};

/* handshake.c */
struct hs_report hs_offer(struct handshake *h, const struct ipc_sigs *sigs,
                          struct req *r, pid_t reader);
struct hs_report hs_ack(struct handshake *h, const struct ipc_sigs *sigs,
                        const struct ipc_sig_event *ev);
bool hs_check_due(const struct handshake *h);
struct hs_report hs_check(struct handshake *h, bool now);
struct hs_report hs_given_back(struct handshake *h,
                               const struct ipc_record *rec);

/* route.c */
void route_request(struct server *s, const struct ipc_record *rec);
void route_close(struct server *s);
void route_fifo4(struct server *s, const struct ipc_record *rec);
void route_ack(struct server *s, const struct ipc_sig_event *ev);
void route_client_exited(struct server *s, pid_t pid);
void route_child_exited(struct server *s, pid_t pid, int code);
void route_tick(struct server *s);
int route_next_timeout(const struct server *s);
int route_start_pool(struct server *s);
void route_stop_pool(struct server *s);
void route_signal_worker(pid_t pid, int signo);

/* clients.c */
int clients_init(struct server *s);
enum client_check clients_admit(struct server *s, pid_t pid);
bool clients_known(const struct server *s, pid_t pid);
bool clients_alive(const struct server *s, pid_t pid);
pid_t clients_exited(struct server *s, int fd);
void clients_forget_all(struct server *s);

#endif /* IPCLAB_SERVER_H */
