/*
 * ipclab/record.h - the wire record: what travels through every FIFO.
 *
 * One fixed-size binary record serves as both request and result, so that
 * every FIFO carries the same unit and a single write() of it is atomic:
 *
 *   rc --FIFO1--> server --FIFO3--> worker --FIFO4--> server --FIFO2--> rc
 *        request          request          result            result
 *
 * A record is written with exactly one write() of sizeof(struct ipc_record)
 * bytes. That size is below PIPE_BUF, so POSIX guarantees that records from
 * many writers never interleave (pipe(7)). Readers still validate every
 * record: anybody who can open a FIFO can write garbage into it.
 *
 * See docs/protocol.md for the whole protocol, signals included.
 */
#ifndef IPCLAB_RECORD_H
#define IPCLAB_RECORD_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define IPCLAB_MAGIC   0x49504331u  /* "IPC1" read as a big-endian word */
#define IPCLAB_VERSION 1

/* What a record is: a request to compute, or the result of one. */
enum ipc_kind {
    IPCLAB_KIND_REQUEST = 1,
    IPCLAB_KIND_RESULT  = 2,
};

/* The operations, one per processing client. 0 is never valid. */
enum ipc_op {
    IPCLAB_OP_SUM = 1,                 /* a + b, by ipclab-sum */
    IPCLAB_OP_SUB = 2,                 /* a - b, by ipclab-sub */
    IPCLAB_OP_MUL = 3,                 /* a * b, by ipclab-mul */
    IPCLAB_OP_DIV = 4,                 /* a / b, by ipclab-div */
};
#define IPCLAB_OP_COUNT 4              /* operations are 1 .. IPCLAB_OP_COUNT */

struct ipc_record {                 /* every hop; see the diagram above */
    uint32_t magic;                 /* IPCLAB_MAGIC; rejects garbage */
    uint16_t version;               /* IPCLAB_VERSION; rejects old peers */
    uint16_t kind;                  /* enum ipc_kind */
    uint32_t op;                    /* enum ipc_op; kept in results too */
    int32_t  pid;                   /* requesting client: who gets the answer */
    uint32_t seq;                   /* client's sequence number, from 1 */
    int32_t  status;                /* results: 0 or an errno value (EDOM...) */
    int64_t  a;                     /* first operand */
    int64_t  b;                     /* second operand */
    int64_t  value;                 /* results: the answer when status == 0 */
    uint32_t flags;                 /* 0, or IPCLAB_REC_RETURNED */
    uint32_t check;                 /* FNV-1a of all bytes before it: catches
                                       torn, shifted and forged records */
};

/*
 * flags: a reader of FIFO2 or FIFO3 that read a record not meant for it
 * (it acted on a stale "ready") gives it back to the server through FIFO4,
 * unchanged but for this flag; see docs/protocol.md, section 3.
 */
#define IPCLAB_REC_RETURNED 1u

_Static_assert(sizeof(struct ipc_record) <= PIPE_BUF,
               "one write() of a record must be atomic");
_Static_assert(sizeof(struct ipc_record) == 56,
               "the record layout is the wire format: no hidden padding");

/*
 * Why a record was rejected. IPCLAB_REC_OK (0) means valid. The names are
 * stable: they appear in traces as the 'reason' of ipclab:record_drop.
 */
enum ipc_rec_fault {
    IPCLAB_REC_OK = 0,
    IPCLAB_REC_SHORT,                  /* fewer bytes than a record */
    IPCLAB_REC_BAD_MAGIC,
    IPCLAB_REC_BAD_VERSION,
    IPCLAB_REC_BAD_CHECK,              /* checksum mismatch: torn or forged */
    IPCLAB_REC_BAD_KIND,               /* not the kind this FIFO carries (a
                                       returned record may be either) */
    IPCLAB_REC_BAD_PID,                /* pid <= 0 */
    IPCLAB_REC_BAD_SEQ,                /* seq == 0 */
    IPCLAB_REC_BAD_OP,                 /* results only, unless their status is
                                       EINVAL: requests may carry any op,
                                       and the server answers EINVAL */
};

/* Fill *r as a request from this process. Never fails. */
void
ipc_rec_request(struct ipc_record *r, enum ipc_op op, int64_t a, int64_t b,
                uint32_t seq);

/*
 * Turn request *r into its result in place: same identity (pid, seq, op,
 * operands), with 'status' (0 or an errno value) and 'value'.
 */
void
ipc_rec_make_result(struct ipc_record *r, int status, int64_t value);

/*
 * Compute and store r->check. ipc_rec_request() and ipc_rec_make_result()
 * call it; call it again after changing any field by hand.
 */
void
ipc_rec_seal(struct ipc_record *r);

/*
 * Check 'len' bytes at 'r' as a record of kind 'expect'. Returns IPCLAB_REC_OK
 * or the first fault found, in the order of enum ipc_rec_fault.
 */
enum ipc_rec_fault
ipc_rec_validate(const struct ipc_record *r, size_t len, enum ipc_kind expect);

/* Stable short name of a fault ("bad_magic"), for messages and traces. */
const char *
ipc_rec_fault_name(enum ipc_rec_fault f);

/* The operator character of an operation ('+', '-', '*', '/'), or '?'. */
char
ipc_op_symbol(uint32_t op);

/* The processing client's name of an operation ("sum"), or "unknown". */
const char *
ipc_op_name(uint32_t op);

/* The operation for operator character c, or 0 when there is none. */
enum ipc_op
ipc_op_from_symbol(char c);

/* The operation whose name is 'name' ("sum"...), or 0 when there is none. */
enum ipc_op
ipc_op_from_name(const char *name);

#endif /* IPCLAB_RECORD_H */
