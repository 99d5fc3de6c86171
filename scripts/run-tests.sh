#!/bin/sh
# scripts/run-tests.sh - run every test program in build/tests/, one at a
# time, and print one closing line with the totals.
#
#   scripts/run-tests.sh [TEST-PROGRAM...]
#
# The programs are Check runners; each prints its own summary. They run one
# after the other under a machine-wide lock, because integration tests
# start real servers and the tracing tests share the root LTTng session
# daemon: two test runs at once would see each other's processes.
# CK_RUN_SUITE / CK_RUN_CASE select tests; CK_FORK=no helps debugging.
# The closing lines repeat every failed check (from Check's own log,
# CK_LOG_FILE_NAME), so that the end of a long CI log says what failed.
set -u

[ $# -ge 1 ] || set -- build/tests/*
lock="${TMPDIR:-/tmp}/ipclab-tests.lock"
exec 9>>"$lock"
flock -w 3600 9 || { echo "run-tests: cannot take $lock" >&2; exit 1; }
export IPCLAB_TESTS_LOCKED=1    # the test programs need not lock again

logs=$(mktemp -d "${TMPDIR:-/tmp}/ipclab-run-tests.XXXXXX") || exit 1
trap 'rm -rf "$logs"' EXIT
trap 'exit 130' INT TERM

failed=0
failed_names=""
ran=0
for t in "$@"; do
    [ -x "$t" ] || continue
    ran=$((ran + 1))
    echo "==> $t"
    if ! CK_LOG_FILE_NAME="$logs/$ran.log" "$t"; then
        failed=$((failed + 1))
        failed_names="$failed_names $t"
        # Check's log: one 'file:line:F|E:case:test:...' line per failure
        grep -E '^[^:]+:[0-9]+:[FE]:' "$logs/$ran.log" 2>/dev/null |
            sed "s|^|    $(basename "$t"): |" >>"$logs/failures"
    fi
done
if [ "$ran" -eq 0 ]; then
    echo "run-tests: no test programs found" >&2
    exit 1
fi
if [ "$failed" -ne 0 ]; then
    echo "==> failed:$failed_names"
    [ -s "$logs/failures" ] && cat "$logs/failures"
fi
echo "==> $ran test programs, $failed failed"
[ "$failed" -eq 0 ]
