#!/bin/sh
# scripts/run-tests.sh - run every test program in build/tests/, one at a
# time, and end with one line of totals: "N passed, N failed, N skipped".
#
#   scripts/run-tests.sh [TEST-PROGRAM...]
#
# The programs are Check runners; each prints its own summary. They run one
# after the other under the user's kit lock (scripts/lib/lock.sh), because
# integration tests start real servers and record their processes: two
# runs of one user at once would see each other. Other users' runs do not
# wait for it. CK_RUN_SUITE / CK_RUN_CASE select tests; CK_FORK=no helps
# debugging.
#
# The totals count single Check tests, from Check's own log
# (CK_LOG_FILE_NAME): a test that cannot run here calls h_skip(), which
# prints "SKIP: CASE: reason" and notes it in $IPCLAB_SKIP_FILE; it counts
# as skipped, never as passed. A program that dies without logging a
# failure counts as one failed test, and so does a named TEST-PROGRAM that
# is not one (a typo must not pass). The closing lines repeat every
# failure and every skip, so that the end of a long CI log says them.
set -u
. "$(dirname "$0")/lib/help.sh"
script_help "$@"

# the programs named, each of which must be one; else all there are
named=1
[ $# -ge 1 ] || { named=0; set -- build/tests/*; }
. "$(dirname "$0")/lib/lock.sh"
ipclab_lock run-tests "run-tests.sh $*" 3600

logs=$(mktemp -d "${TMPDIR:-/tmp}/ipclab-run-tests.XXXXXX") || exit 1
trap 'rm -rf "$logs"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

passed=0
failed=0
skipped=0
ran=0
: >"$logs/failures"
: >"$logs/skips"
for t in "$@"; do
    if [ -d "$t" ] || [ ! -x "$t" ]; then
        [ "$named" = 1 ] || continue
        echo "run-tests: '$t' is not a test program" >&2
        echo "    $t: not a test program" >>"$logs/failures"
        failed=$((failed + 1))
        continue
    fi
    ran=$((ran + 1))
    log="$logs/$ran.log"
    skips="$logs/$ran.skips"
    : >"$log"
    : >"$skips"
    echo "==> $t"
    # without the lock's fd 9: a process a test leaves behind must not
    # keep holding it
    CK_LOG_FILE_NAME="$log" IPCLAB_SKIP_FILE="$skips" "$t" 9>&-
    status=$?
    name=$(basename "$t")
    # Check's log: one 'file:line:P|F|E:case:test:...' line per test
    p=$(grep -Ec '^[^:]+:[0-9]+:P:' "$log")
    f=$(grep -Ec '^[^:]+:[0-9]+:[FE]:' "$log")
    s=$(grep -c . "$skips")
    grep -E '^[^:]+:[0-9]+:[FE]:' "$log" | sed "s|^|    $name: |" \
        >>"$logs/failures"
    sed "s|^|    $name: SKIP: |" "$skips" >>"$logs/skips"
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "    $name: exited with status $status without a failed test" \
             "in its log" >>"$logs/failures"
    fi
    if [ "$s" -gt "$p" ]; then
        s=$p            # a skip noted by a test that then failed
    fi
    passed=$((passed + p - s))
    failed=$((failed + f))
    skipped=$((skipped + s))
done
if [ "$ran" -eq 0 ] && [ "$failed" -eq 0 ]; then
    echo "run-tests: no test programs found" >&2
    exit 1
fi
if [ -s "$logs/skips" ]; then
    echo "==> skipped:"
    cat "$logs/skips"
fi
if [ -s "$logs/failures" ]; then
    echo "==> failed:"
    cat "$logs/failures"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
