#!/bin/sh
# scripts/memcheck.sh - valgrind's memcheck on the reference system.
#
#   scripts/memcheck.sh BINDIR
#
# Runs BINDIR/ipclab-server under valgrind, with its processing clients
# (valgrind follows the exec of each), and a short workload of clients,
# each under valgrind too: one expression, a file with every error case,
# and a random load with a window. Then stops the server with SIGINT.
#
# Passes when every process ran clean: no invalid read or write, no use of
# uninitialised memory, no definite leak ("definitely lost": memory no
# pointer reaches any more). Each process's report is kept in
# WORK/vg.PID.log, and the first bad one is printed.
set -eu
. "$(dirname "$0")/lib/help.sh"
script_help "$@"
. "$(dirname "$0")/lib/server.sh"

if [ $# -ne 1 ]; then
    echo "usage: $0 BINDIR" >&2
    exit 2
fi
bin=$1
if ! command -v valgrind >/dev/null 2>&1; then
    echo "memcheck: valgrind not found: apt-get install valgrind" >&2
    exit 1
fi

server_workdir memcheck keep        # a failure's reports stay
dir="$work/run"

# --error-exitcode: errors and definite leaks make the process fail too
vg="valgrind --quiet --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite --show-leak-kinds=definite
    --trace-children=yes --log-file=$work/vg.%p.log"

# shellcheck disable=SC2086  # $vg is a list of words on purpose
start_server "$work" "$work/server.out" - $vg "$bin/ipclab-server" \
    --dir "$dir" --worker-dir "$bin" || exit 1

cat >"$work/exprs" <<'EXPR'
6 * 7
1 / 0
9223372036854775807 + 1
-9223372036854775808 / -1
two + two
-7 / 2
EXPR

failed=0
# shellcheck disable=SC2086
$vg "$bin/ipclab-rc" --dir "$dir" 6 '*' 7 >/dev/null || failed=1
# shellcheck disable=SC2086
$vg "$bin/ipclab-rc" --dir "$dir" --window 3 --file "$work/exprs" \
    >/dev/null || failed=1
# shellcheck disable=SC2086
$vg "$bin/ipclab-rc" --dir "$dir" --count 300 --random --window 4 \
    --quiet >/dev/null || failed=1

stop_server || failed=1

# valgrind before 3.20 does not know pidfd_open (syscall 434): it warns and
# the call fails with ENOSYS, which the programs handle (they then watch
# their peers without pidfds). That warning is not a memory error.
unknown_syscall='WARNING: unhandled amd64-linux syscall: 434|You may be able to write your own handler|README_MISSING_SYSCALL_OR_IOCTL|Nevertheless we consider this a bug|valgrind.org/support/bug_reports'
logs=0
nosys=0
for log in "$work"/vg.*.log; do
    logs=$((logs + 1))
    grep -q 'unhandled amd64-linux syscall: 434' "$log" && nosys=1
    # --quiet: a clean process leaves an empty report
    if grep -Evq "$unknown_syscall" "$log"; then
        echo "memcheck: $log:" >&2
        cat "$log" >&2
        failed=1
    fi
done
[ $nosys -eq 0 ] || echo "memcheck: note: this valgrind does not know" \
    "pidfd_open(2): the programs ran without pidfds (their fallback)"
echo "memcheck: $logs processes under valgrind (server, 4 processing" \
     "clients, 3 clients): $([ $failed -eq 0 ] && echo clean ||
     echo FAILED)"
exit $failed
