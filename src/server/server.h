/*
 * server/server.h - the server's state, shared by its four files:
 *
 *   main.c       options, set-up, the event loop, shutdown
 *   handshake.c  one record at a time through a shared FIFO (FIFO2, FIFO3)
 *   route.c      requests, processing clients, results: every decision
 *   clients.c    the requesting clients it knows, watched through pidfds
 *
 * The server is one thread around one epoll_wait(): FIFO1 (requests),
 * FIFO4 (results, and records given back), a signalfd (acks, SIGCHLD,
 * SIGINT/SIGTERM) and a pidfd per known client (its exit). It never
 * blocks anywhere else, so one slow, stopped or dead peer cannot stall
 * the others. The handshake reports outcomes; route.c decides.
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
#define MAX_CLIENTS  256        /* clients remembered as readers of FIFO2 */
#define READ_MEMORY  MAX_REQUESTS /* results read without an ack that a
                                   stale reader may still give back */
#define CHECK_MS     10         /* how long a reader may stay silent before
                                   the server looks at it and its FIFO */

/* Where a request is on its way through the server. */
enum req_state {
    REQ_FREE = 0,
    REQ_TO_WORKER,              /* queued for FIFO3, or in it */
    REQ_AT_WORKER,              /* a processing client acknowledged it */
    REQ_TO_CLIENT,              /* the result, queued for FIFO2, or in it */
};

struct req {
    struct ipc_record rec;      /* the request; later, in place, its result */
    enum req_state state;
    pid_t worker;               /* who computes it (per-request: its own) */
    bool early_result;          /* rec holds the result already: it came
                                   through FIFO4 before the worker's ack */
    bool offered_again;         /* its result was read by someone silent
                                   and offered once more (route.c) */
    struct req *next;           /* queue link */
};

/* A queue of requests waiting for a shared FIFO */
struct queue {
    struct req *head, *tail;
};

/*
 * A FIFO shared by several readers, with its handshake. Invariant: at most
 * one record sits in the FIFO ('busy'). It knows nothing of what the FIFO
 * carries: it writes, signals, watches, takes back, and reports.
 */
struct handshake {
    enum ipc_fifo_no no;        /* for traces */
    int wfd;                    /* write end */
    int rfd;                    /* our own read end: keeps the FIFO open
                                   and lets us take back an unread record */
    struct req *busy;           /* in the FIFO, announced to 'reader' */
    pid_t reader;
    int64_t deadline;           /* ack timeout */
    int64_t next_check;         /* when to look at a silent reader */
};

/* What became of the record in a handshake */
enum hs_outcome {
    HS_WAITING,                 /* nothing yet */
    HS_ACKED,                   /* read and acknowledged by its reader */
    HS_READ,                    /* read, no ack: coalesced, late, or read
                                   by a stale reader that gives it back */
    HS_TAKEN_BACK,              /* unread: the server took it back */
};

/* Why a record was taken back, or what its reader is: for the routing */
enum hs_reason {
    HS_REASON_NONE,
    HS_REASON_STOPPED,          /* the reader is stopped (SIGSTOP...) */
    HS_REASON_GONE,             /* the reader exited */
    HS_REASON_TIMEOUT,          /* running, but silent for --ack-timeout */
    HS_REASON_PROTOCOL,         /* acked unread, garbage, or given back */
    HS_REASON_FAILED,           /* the write into the FIFO failed */
};

/* What the handshake reports: what became of which record, and why */
struct hs_report {
    enum hs_outcome outcome;
    enum hs_reason why;         /* also PROTOCOL for an ack from our reader
                                   that changes nothing (ignored, traced) */
    struct req *r;              /* the record it concerns */
    pid_t reader;               /* to whom it was announced */
};

/* A persistent processing client (pool mode) */
struct worker {
    pid_t pid;                  /* 0 when not running */
    bool stopped;               /* seen stopped: its requests wait */
    int failures;               /* consecutive deaths without work done */
    int64_t restart_at;         /* when pid is 0: when to start it again */
};

/* A requesting client known to read FIFO2 (clients.c) */
struct client {
    pid_t pid;
    int pidfd;                  /* readable once the process has exited */
    bool stopped;               /* seen stopped: its results wait here */
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
    enum ipc_sched sched;       /* --sched */
    int ack_timeout_ms;
    int work_delay_ms;          /* passed to workers as --delay */
    long worker_crash_after;    /* passed to workers as --crash-after */
    bool skip_ack_wait;         /* --unsafe-no-ack: lab 04 and tests only */
    char worker_dir[PATH_MAX];  /* where ipclab-sum & co. are */

    /* descriptors */
    int dir_fd;                 /* the runtime directory, opened once */
    int lock_fd, sig_fd;
    int epoll_fd;               /* FIFO1, FIFO4, sig_fd, client pidfds */
    bool fd1_watched;           /* FIFO1 in the epoll set (back-pressure) */
    int fd1_read, fd1_keep;     /* FIFO1: read end, and a write end kept
                                   open so read() never sees EOF */
    int fd4_read, fd4_keep;
    struct ipc_rec_reader in1, in4;
    struct handshake fifo2, fifo3;
    struct queue to_client, to_worker;

    /* state */
    struct req reqs[MAX_REQUESTS];
    int in_use;
    struct worker pool[IPCLAB_OP_COUNT + 1];      /* indexed by op */
    struct client clients[MAX_CLIENTS];
    int nclients;
    int64_t next_recheck;       /* when to look at stopped peers again */
    struct ipc_record read_unacked[READ_MEMORY];  /* ring: only these may
                                   come back through FIFO4 (pid 0: free) */
    int read_next;              /* the ring's next slot to overwrite */
    int64_t stop_at;            /* 0 while serving; once asked to stop,
                                   the time by which to stop (main.c) */
    unsigned long served, dropped_results;
    unsigned long dropped_records;  /* valid records refused: duplicate,
                                       stale, naming no client */
};

/* handshake.c */
void
hs_init(struct handshake *h, enum ipc_fifo_no no);

/* Write r into the idle FIFO and tell 'reader' */
struct hs_report
hs_offer(struct handshake *h, const struct ipc_sigs *sigs, struct req *r,
         pid_t reader, int ack_timeout_ms);

/* An ack arrived: is it for our record? */
struct hs_report
hs_ack(struct handshake *h, const struct ipc_sigs *sigs,
       const struct ipc_sig_event *ev);

/* Look at a silent reader: stopped, gone, late? (now: do not wait for
   the next check time) */
struct hs_report
hs_check(struct handshake *h, bool now);

/* A reader gave rec back through FIFO4: was it ours, unread? */
struct hs_report
hs_given_back(struct handshake *h, const struct ipc_record *rec);

/* Forget the record without asking (--unsafe-no-ack) */

void
hs_release(struct handshake *h);

/* route.c */
void
route_request(struct server *s, const struct ipc_record *rec);

void
route_fifo4(struct server *s, const struct ipc_record *rec);

void
route_ack(struct server *s, const struct ipc_sig_event *ev);

void
route_make_room(struct server *s, int need);

void
route_tick(struct server *s);

/* ms until the next deadline (a reader to look at, stopped peers, a
   restart, the stop), for epoll_wait(); -1: none */
int
route_next_timeout(const struct server *s);

void
route_client_exited(struct server *s, pid_t pid);

void
route_child_exited(struct server *s, pid_t pid, int code);

int
route_start_pool(struct server *s);

void
route_stop_pool(struct server *s);

/* clients.c */
enum client_check
clients_admit(struct server *s, pid_t pid);

/* The table's entry for pid, or NULL */
struct client *
clients_find(struct server *s, pid_t pid);

/* True while pid is a known client, or (unknown) exists at all */
bool
clients_alive(struct server *s, pid_t pid);

/* The pidfd 'fd' became readable: forget its client and return its pid;
   0 when fd is no client's pidfd. */
pid_t
clients_exited(struct server *s, int fd);

void
clients_forget_all(struct server *s);

#endif /* IPCLAB_SERVER_H */
