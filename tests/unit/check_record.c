/*
 * tests/unit/check_record.c - unit tests for the wire record (record.h).
 *
 * A reader's only defence against garbage in a FIFO is ipc_rec_validate(),
 * so each of its rejections gets a test of its own: build a good record,
 * break exactly one thing, and expect exactly that fault. The module under
 * test is src/lib/record.c.
 *
 * Run:   CK_RUN_SUITE=record build/tests/unit
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "ipclab/record.h"
#include "unit.h"

/* A valid request with recognisable fields, for the tests to break. */
static void
make_request(struct ipc_record *r)
{
    ipc_rec_request(r, IPCLAB_OP_MUL, 6, 7, 42);
}

/* ---- core --------------------------------------------------------------- */

START_TEST(test_record_request_fills_every_field)
{
    struct ipc_record r;

    memset(&r, 0xAA, sizeof(r));        /* no field may keep this junk */
    ipc_rec_request(&r, IPCLAB_OP_DIV, -9, 4, 17);

    ck_assert_uint_eq(r.magic, IPCLAB_MAGIC);
    ck_assert_uint_eq(r.version, IPCLAB_VERSION);
    ck_assert_uint_eq(r.kind, IPCLAB_KIND_REQUEST);
    ck_assert_uint_eq(r.op, IPCLAB_OP_DIV);
    ck_assert_int_eq(r.pid, getpid());
    ck_assert_uint_eq(r.seq, 17);
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(r.a, -9);
    ck_assert_int_eq(r.b, 4);
    ck_assert_int_eq(r.value, 0);
    ck_assert_uint_eq(r.flags, 0);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_REQUEST),
                     IPCLAB_REC_OK);
}
END_TEST

START_TEST(test_record_make_result_keeps_identity)
{
    struct ipc_record r;

    make_request(&r);
    ipc_rec_make_result(&r, 0, 42);

    ck_assert_uint_eq(r.kind, IPCLAB_KIND_RESULT);
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(r.value, 42);
    ck_assert_uint_eq(r.op, IPCLAB_OP_MUL);        /* identity unchanged */
    ck_assert_int_eq(r.pid, getpid());
    ck_assert_uint_eq(r.seq, 42);
    ck_assert_int_eq(r.a, 6);
    ck_assert_int_eq(r.b, 7);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_RESULT),
                     IPCLAB_REC_OK);
}
END_TEST

START_TEST(test_record_make_result_carries_error_status)
{
    struct ipc_record r;

    ipc_rec_request(&r, IPCLAB_OP_DIV, 1, 0, 3);
    ipc_rec_make_result(&r, EDOM, 0);

    ck_assert_int_eq(r.status, EDOM);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_RESULT),
                     IPCLAB_REC_OK);
}
END_TEST

START_TEST(test_record_seal_after_edit_makes_valid)
{
    struct ipc_record r;

    make_request(&r);
    r.a = 1000;                 /* a hand edit invalidates the checksum... */
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_REQUEST),
                     IPCLAB_REC_BAD_CHECK);
    ipc_rec_seal(&r);           /* ...until the record is sealed again */
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_REQUEST),
                     IPCLAB_REC_OK);
}
END_TEST

START_TEST(test_record_fault_names)
{
    ck_assert_str_eq(ipc_rec_fault_name(IPCLAB_REC_OK), "ok");
    ck_assert_str_eq(ipc_rec_fault_name(IPCLAB_REC_SHORT), "short");
    ck_assert_str_eq(ipc_rec_fault_name(IPCLAB_REC_BAD_MAGIC), "bad_magic");
    ck_assert_str_eq(ipc_rec_fault_name(IPCLAB_REC_BAD_VERSION), "bad_version");
    ck_assert_str_eq(ipc_rec_fault_name(IPCLAB_REC_BAD_CHECK), "bad_check");
    ck_assert_str_eq(ipc_rec_fault_name(IPCLAB_REC_BAD_KIND), "bad_kind");
    ck_assert_str_eq(ipc_rec_fault_name(IPCLAB_REC_BAD_PID), "bad_pid");
    ck_assert_str_eq(ipc_rec_fault_name(IPCLAB_REC_BAD_SEQ), "bad_seq");
    ck_assert_str_eq(ipc_rec_fault_name(IPCLAB_REC_BAD_OP), "bad_op");
}
END_TEST

START_TEST(test_record_op_symbols_and_names)
{
    ck_assert_int_eq(ipc_op_symbol(IPCLAB_OP_SUM), '+');
    ck_assert_int_eq(ipc_op_symbol(IPCLAB_OP_SUB), '-');
    ck_assert_int_eq(ipc_op_symbol(IPCLAB_OP_MUL), '*');
    ck_assert_int_eq(ipc_op_symbol(IPCLAB_OP_DIV), '/');
    ck_assert_str_eq(ipc_op_name(IPCLAB_OP_SUM), "sum");
    ck_assert_str_eq(ipc_op_name(IPCLAB_OP_SUB), "sub");
    ck_assert_str_eq(ipc_op_name(IPCLAB_OP_MUL), "mul");
    ck_assert_str_eq(ipc_op_name(IPCLAB_OP_DIV), "div");
}
END_TEST

START_TEST(test_record_op_round_trips)
{
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++) {
        ck_assert_uint_eq(ipc_op_from_symbol(ipc_op_symbol(op)), op);
        ck_assert_uint_eq(ipc_op_from_name(ipc_op_name(op)), op);
    }
}
END_TEST

/* ---- limits ------------------------------------------------------------- */

/* FNV-1a, 32 bits, straight from its definition: the checksum record.h
   documents, computed independently of record.c */
static uint32_t
fnv1a(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint32_t h = 2166136261u;               /* FNV offset basis */

    while (n-- > 0) {
        h ^= *p++;
        h *= 16777619u;                     /* FNV prime */
    }
    return h;
}

START_TEST(test_record_check_is_fnv1a)
{
    struct ipc_record r;

    /* the checksum is part of the wire format: every peer must agree */
    make_request(&r);
    ck_assert_uint_eq(r.check, fnv1a(&r, offsetof(struct ipc_record, check)));
    ipc_rec_make_result(&r, 0, 42);
    ck_assert_uint_eq(r.check, fnv1a(&r, offsetof(struct ipc_record, check)));
}
END_TEST

START_TEST(test_record_size_is_56)
{
    /* the layout is the wire format: the same on every peer */
    ck_assert_uint_eq(sizeof(struct ipc_record), 56);
    ck_assert_uint_eq(offsetof(struct ipc_record, check), 52);
}
END_TEST

START_TEST(test_record_extreme_operands_survive)
{
    struct ipc_record r;

    ipc_rec_request(&r, IPCLAB_OP_SUB, INT64_MIN, INT64_MAX, UINT32_MAX);
    ck_assert_int_eq(r.a, INT64_MIN);
    ck_assert_int_eq(r.b, INT64_MAX);
    ck_assert_uint_eq(r.seq, UINT32_MAX);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_REQUEST),
                     IPCLAB_REC_OK);
}
END_TEST

START_TEST(test_record_unknown_op_accepted_in_request)
{
    struct ipc_record r;

    /* the server must answer EINVAL, so the request has to get through */
    ipc_rec_request(&r, 0, 1, 2, 1);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_REQUEST),
                     IPCLAB_REC_OK);
    ipc_rec_request(&r, 99, 1, 2, 1);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_REQUEST),
                     IPCLAB_REC_OK);
}
END_TEST

START_TEST(test_record_einval_result_keeps_unknown_op)
{
    struct ipc_record r;

    /* ...except the server's own answer to an unknown op: EINVAL */
    ipc_rec_request(&r, 99, 1, 2, 1);
    ipc_rec_make_result(&r, EINVAL, 0);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_RESULT),
                     IPCLAB_REC_OK);
}
END_TEST

START_TEST(test_record_unknown_op_names)
{
    ck_assert_int_eq(ipc_op_symbol(0), '?');
    ck_assert_int_eq(ipc_op_symbol(IPCLAB_OP_COUNT + 1), '?');
    ck_assert_str_eq(ipc_op_name(0), "unknown");
    ck_assert_str_eq(ipc_op_name(IPCLAB_OP_COUNT + 1), "unknown");
    ck_assert_int_eq(ipc_op_from_symbol('%'), 0);
    ck_assert_int_eq(ipc_op_from_symbol('\0'), 0);
    ck_assert_int_eq(ipc_op_from_name("pow"), 0);
    ck_assert_int_eq(ipc_op_from_name(""), 0);
    ck_assert_int_eq(ipc_op_from_name("SUM"), 0);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST(test_record_rejects_short)
{
    struct ipc_record r;

    make_request(&r);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r) - 1, IPCLAB_KIND_REQUEST),
                     IPCLAB_REC_SHORT);
    ck_assert_int_eq(ipc_rec_validate(&r, 0, IPCLAB_KIND_REQUEST),
                     IPCLAB_REC_SHORT);
}
END_TEST

START_TEST(test_record_rejects_bad_magic)
{
    struct ipc_record r;

    make_request(&r);
    r.magic = IPCLAB_MAGIC + 1;
    ipc_rec_seal(&r);           /* only the magic is wrong */
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_REQUEST),
                     IPCLAB_REC_BAD_MAGIC);
}
END_TEST

START_TEST(test_record_rejects_bad_version)
{
    struct ipc_record r;

    make_request(&r);
    r.version = IPCLAB_VERSION + 1;
    ipc_rec_seal(&r);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_REQUEST),
                     IPCLAB_REC_BAD_VERSION);
}
END_TEST

START_TEST(test_record_rejects_bad_check)
{
    struct ipc_record good, r;
    unsigned char *bytes = (unsigned char *)&r;

    make_request(&good);
    /* flip one byte after magic and version, anywhere up to the checksum:
       FNV-1a must notice every single one */
    for (size_t i = offsetof(struct ipc_record, kind);
         i < sizeof(struct ipc_record); i++) {
        r = good;
        bytes[i] ^= 0x01;
        ck_assert_msg(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_REQUEST)
                      == IPCLAB_REC_BAD_CHECK, "byte %zu flipped", i);
    }
}
END_TEST

START_TEST(test_record_rejects_swapped_operands)
{
    struct ipc_record r;

    /* the same bytes in another order: a plain sum or XOR of the bytes
       would not notice, FNV-1a does */
    make_request(&r);
    r.a = 7;
    r.b = 6;
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_REQUEST),
                     IPCLAB_REC_BAD_CHECK);
}
END_TEST

/* A record given back (IPCLAB_REC_RETURNED) travels in FIFO4 as either
   kind; without the flag the kind must match */
START_TEST(test_record_returned_may_be_either_kind)
{
    struct ipc_record r;

    make_request(&r);
    r.flags |= IPCLAB_REC_RETURNED;
    ipc_rec_seal(&r);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_RESULT),
                     IPCLAB_REC_OK);
    ipc_rec_make_result(&r, 0, 42);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_RESULT),
                     IPCLAB_REC_OK);
    r.kind = 7;                 /* no kind at all: still refused */
    ipc_rec_seal(&r);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_RESULT),
                     IPCLAB_REC_BAD_KIND);
}
END_TEST

START_TEST(test_record_rejects_wrong_kind)
{
    struct ipc_record r;

    make_request(&r);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_RESULT),
                     IPCLAB_REC_BAD_KIND);
    ipc_rec_make_result(&r, 0, 42);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_REQUEST),
                     IPCLAB_REC_BAD_KIND);
}
END_TEST

START_TEST(test_record_rejects_bad_pid)
{
    struct ipc_record r;

    make_request(&r);
    r.pid = 0;
    ipc_rec_seal(&r);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_REQUEST),
                     IPCLAB_REC_BAD_PID);
    r.pid = -1;                 /* kill(-1, ...) would signal everybody */
    ipc_rec_seal(&r);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_REQUEST),
                     IPCLAB_REC_BAD_PID);
}
END_TEST

START_TEST(test_record_rejects_bad_seq)
{
    struct ipc_record r;

    ipc_rec_request(&r, IPCLAB_OP_SUM, 1, 2, 0);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_REQUEST),
                     IPCLAB_REC_BAD_SEQ);
}
END_TEST

START_TEST(test_record_rejects_bad_op_in_result)
{
    struct ipc_record r;

    /* a worker's result must name a real operation... */
    ipc_rec_request(&r, 0, 1, 2, 1);
    ipc_rec_make_result(&r, 0, 3);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_RESULT),
                     IPCLAB_REC_BAD_OP);
    ipc_rec_request(&r, IPCLAB_OP_COUNT + 1, 1, 2, 1);
    ipc_rec_make_result(&r, EIO, 0);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_RESULT),
                     IPCLAB_REC_BAD_OP);
}
END_TEST

START_TEST(test_record_reports_first_fault)
{
    struct ipc_record r;

    /* bad version and bad pid: the enum's order says version comes first */
    make_request(&r);
    r.version = 0;
    r.pid = 0;
    ipc_rec_seal(&r);
    ck_assert_int_eq(ipc_rec_validate(&r, sizeof(r), IPCLAB_KIND_REQUEST),
                     IPCLAB_REC_BAD_VERSION);
}
END_TEST

Suite *
record_suite(void)
{
    Suite *s = suite_create("record");
    TCase *tc_core = tcase_create("core");
    TCase *tc_limits = tcase_create("limits");
    TCase *tc_errors = tcase_create("errors");

    tcase_add_test(tc_core, test_record_request_fills_every_field);
    tcase_add_test(tc_core, test_record_make_result_keeps_identity);
    tcase_add_test(tc_core, test_record_make_result_carries_error_status);
    tcase_add_test(tc_core, test_record_seal_after_edit_makes_valid);
    tcase_add_test(tc_core, test_record_fault_names);
    tcase_add_test(tc_core, test_record_op_symbols_and_names);
    tcase_add_test(tc_core, test_record_op_round_trips);
    suite_add_tcase(s, tc_core);

    tcase_add_test(tc_limits, test_record_size_is_56);
    tcase_add_test(tc_limits, test_record_check_is_fnv1a);
    tcase_add_test(tc_limits, test_record_extreme_operands_survive);
    tcase_add_test(tc_limits, test_record_unknown_op_accepted_in_request);
    tcase_add_test(tc_limits, test_record_einval_result_keeps_unknown_op);
    tcase_add_test(tc_limits, test_record_unknown_op_names);
    suite_add_tcase(s, tc_limits);

    tcase_add_test(tc_errors, test_record_rejects_short);
    tcase_add_test(tc_errors, test_record_rejects_bad_magic);
    tcase_add_test(tc_errors, test_record_rejects_bad_version);
    tcase_add_test(tc_errors, test_record_rejects_bad_check);
    tcase_add_test(tc_errors, test_record_rejects_swapped_operands);
    tcase_add_test(tc_errors, test_record_rejects_wrong_kind);
    tcase_add_test(tc_errors, test_record_rejects_bad_pid);
    tcase_add_test(tc_errors, test_record_rejects_bad_seq);
    tcase_add_test(tc_errors, test_record_rejects_bad_op_in_result);
    tcase_add_test(tc_errors, test_record_reports_first_fault);
    tcase_add_test(tc_errors, test_record_returned_may_be_either_kind);
    suite_add_tcase(s, tc_errors);

    return s;
}
