/*
 * record.c - building and validating wire records.
 *
 * Pure functions: no I/O, no errno. Validation is the only line of defence
 * against garbage in a FIFO, so it checks every field a reader relies on.
 * Unit tests: tests/unit/check_record.c.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ipclab/proc.h"
#include "ipclab/record.h"

static const struct {
    char symbol;
    const char *name;
} op_table[IPCLAB_OP_COUNT + 1] = {
    [IPCLAB_OP_SUM] = { '+', "sum" },
    [IPCLAB_OP_SUB] = { '-', "sub" },
    [IPCLAB_OP_MUL] = { '*', "mul" },
    [IPCLAB_OP_DIV] = { '/', "div" },
};

/* FNV-1a, 32 bits: tiny, and good enough to reject torn or shifted bytes */
static uint32_t
checksum(const struct ipc_record *r)
{
    const unsigned char *p = (const unsigned char *)r;
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < offsetof(struct ipc_record, check); i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

void
ipc_rec_seal(struct ipc_record *r)
{
    r->check = checksum(r);
}

void
ipc_rec_request(struct ipc_record *r, enum ipc_op op, int64_t a, int64_t b,
                uint32_t seq)
{
    memset(r, 0, sizeof(*r));
    r->magic = IPCLAB_MAGIC;
    r->version = IPCLAB_VERSION;
    r->kind = IPCLAB_KIND_REQUEST;
    r->op = op;
    r->pid = (int32_t)getpid();
    r->seq = seq;
    r->a = a;
    r->b = b;
    ipc_rec_seal(r);
}

void
ipc_rec_make_result(struct ipc_record *r, int status, int64_t value)
{
    r->kind = IPCLAB_KIND_RESULT;
    r->status = status;
    r->value = status == 0 ? value : 0;
    ipc_rec_seal(r);
}

enum ipc_rec_fault
ipc_rec_validate(const struct ipc_record *r, size_t len, enum ipc_kind expect)
{
    if (len < sizeof(*r))
        return IPCLAB_REC_SHORT;
    if (r->magic != IPCLAB_MAGIC)
        return IPCLAB_REC_BAD_MAGIC;
    if (r->version != IPCLAB_VERSION)
        return IPCLAB_REC_BAD_VERSION;
    if (r->check != checksum(r))
        return IPCLAB_REC_BAD_CHECK;
    if (r->kind != expect &&
        !((r->flags & IPCLAB_REC_RETURNED) &&
          (r->kind == IPCLAB_KIND_REQUEST || r->kind == IPCLAB_KIND_RESULT)))
        return IPCLAB_REC_BAD_KIND;
    if (r->pid <= 0)
        return IPCLAB_REC_BAD_PID;
    if (r->seq == 0)
        return IPCLAB_REC_BAD_SEQ;
    /* a request may name any op (the server answers EINVAL); a result
       must name a real one, unless it is that very EINVAL answer */
    if (r->kind == IPCLAB_KIND_RESULT &&
        (r->op < 1 || r->op > IPCLAB_OP_COUNT) && r->status != EINVAL)
        return IPCLAB_REC_BAD_OP;
    return IPCLAB_REC_OK;
}

const char *
ipc_rec_fault_name(enum ipc_rec_fault f)
{
    switch (f) {
    case IPCLAB_REC_OK:          return "ok";
    case IPCLAB_REC_SHORT:       return "short";
    case IPCLAB_REC_BAD_MAGIC:   return "bad_magic";
    case IPCLAB_REC_BAD_VERSION: return "bad_version";
    case IPCLAB_REC_BAD_CHECK:   return "bad_check";
    case IPCLAB_REC_BAD_KIND:    return "bad_kind";
    case IPCLAB_REC_BAD_PID:     return "bad_pid";
    case IPCLAB_REC_BAD_SEQ:     return "bad_seq";
    case IPCLAB_REC_BAD_OP:      return "bad_op";
    }
    return "unknown";
}

char
ipc_op_symbol(uint32_t op)
{
    return op >= 1 && op <= IPCLAB_OP_COUNT ? op_table[op].symbol : '?';
}

const char *
ipc_op_name(uint32_t op)
{
    return op >= 1 && op <= IPCLAB_OP_COUNT ? op_table[op].name : "unknown";
}

enum ipc_op
ipc_op_from_symbol(char c)
{
    for (int op = 1; op <= IPCLAB_OP_COUNT; op++)
        if (op_table[op].symbol == c)
            return (enum ipc_op)op;
    return 0;
}

enum ipc_op
ipc_op_from_name(const char *name)
{
    for (int op = 1; op <= IPCLAB_OP_COUNT; op++)
        if (strcmp(op_table[op].name, name) == 0)
            return (enum ipc_op)op;
    return 0;
}
