/*
 * trace/recinfo.h - DIR/record.info: what traces/record.sh says about the
 * trace it wrote.
 *
 * A text file of KEY=VALUE lines ('#' starts a comment):
 *
 *   pids=4711 4720       the recorded command's pid, then each --pid
 *   uts_ns=4026532305    the UTS namespace the command ran in, its own:
 *                        every process of the recording, and only they,
 *                        carry it (the uts_ns context); absent when
 *                        record.sh could not make one
 *   uid=1000             who recorded
 *   uids=1000            the uids the session recorded ("all": any)
 *   command=...          the recorded command line
 *   discarded=0          events the tracer discarded ('lttng stop')
 *   lost_packets=0       packets it lost ('lttng stop'): each counts as
 *                        a lost event at least (a stream's last packet
 *                        leaves no gap in its sequence numbers)
 *   streams= ust/uid/1000/64-bit/ipclab_0:4096 ...
 *                        each event stream file and its size in bytes
 *
 * Unknown keys are ignored, so that record.sh may say more later.
 */
#ifndef IPCLAB_TRACE_RECINFO_H
#define IPCLAB_TRACE_RECINFO_H

#include <stdbool.h>
#include <stdint.h>

#define TR_RECINFO_PIDS 64

struct tr_recinfo {
    bool present;               /* the file exists */
    int npids;
    int pids[TR_RECINFO_PIDS];  /* roots of the recorded process trees */
    uint64_t uts_ns;            /* the recording's namespace, or 0 */
    uint64_t discarded;
    uint64_t lost_packets;
    bool streams_changed;       /* a stream file missing, or resized */
};

/*
 * Read DIR/record.info into *ri. A missing file is no error (ri->present
 * is false: a trace recorded by hand). Returns 0, or -1 after printing a
 * one-line error when the file is unreadable or malformed.
 */
int
tr_recinfo_read(const char *dir, struct tr_recinfo *ri);

#endif /* IPCLAB_TRACE_RECINFO_H */
