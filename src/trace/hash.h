/*
 * trace/hash.h - a small hash table from 64-bit keys to pointers,
 * growable arrays, and sorting them.
 *
 * The trace tool keeps state per process (key: vpid), per request (key:
 * pid and seq, see TR_KEY) and per pending record or signal. Entries come
 * and go as requests complete, so the table grows and shrinks with what is
 * in flight, never with the length of the trace.
 *
 *     struct tr_hash h = { 0 };
 *     tr_hash_put(&h, TR_KEY(pid, seq), req);     (or -1: ENOMEM)
 *     req = tr_hash_get(&h, TR_KEY(pid, seq));    (or NULL)
 *     req = tr_hash_del(&h, TR_KEY(pid, seq));    (the value, or NULL)
 *     tr_hash_free(&h);                           (values are yours)
 *     tr_hash_free_values(&h);                    (...or free them too)
 */
#ifndef IPCLAB_TRACE_HASH_H
#define IPCLAB_TRACE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* A key from two 32-bit halves: (pid, seq), (sender, receiver)... */
#define TR_KEY(hi, lo) (((uint64_t)(uint32_t)(hi) << 32) | (uint32_t)(lo))

struct tr_hash_slot {
    uint64_t key;
    void *val;                  /* NULL: the slot is free */
};

struct tr_hash {
    struct tr_hash_slot *slots;
    size_t cap;                 /* a power of two, or 0 */
    size_t len;
};

/* Grow the array *arr (room for *cap elements of 'size' bytes) to hold n,
   doubling; 0, or -1 when out of memory (*arr unchanged). */
int
tr_grow(void *arr, size_t *cap, size_t n, size_t size);

/* qsort()'s comparison of two uint64_t, in increasing order */
int
tr_cmp_u64(const void *x, const void *y);

/* The value stored under key, or NULL. */
void *
tr_hash_get(const struct tr_hash *h, uint64_t key);

/* Store val (not NULL) under key, replacing any. Returns 0, or -1. */
int
tr_hash_put(struct tr_hash *h, uint64_t key, void *val);

/* The value under key, created zeroed (size bytes, malloc'd) when absent;
   NULL when out of memory. */
void *
tr_hash_obtain(struct tr_hash *h, uint64_t key, size_t size);

/* Remove key; returns the value it had, or NULL. */
void *
tr_hash_del(struct tr_hash *h, uint64_t key);

/*
 * Call fn(key, val, arg) for every entry, in no particular order. fn must
 * not change the table.
 */
void
tr_hash_each(const struct tr_hash *h,
             void (*fn)(uint64_t key, void *val, void *arg), void *arg);

/* Free the table itself (not the values); it is empty and usable again. */
void
tr_hash_free(struct tr_hash *h);

/* tr_hash_free(), after free() of every value. */
void
tr_hash_free_values(struct tr_hash *h);

#endif /* IPCLAB_TRACE_HASH_H */
