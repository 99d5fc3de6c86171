#!/bin/sh
# traces/samples/workload.sh - the small workload of the sample traces: a
# server and two requesting clients, two requests each (one of them an
# error), so that a whole run fits on a screen.
#
#   traces/samples/workload.sh BINDIR [SERVER-OPTION...]
#
# Like scripts/workload.sh (which runs four clients of three requests):
# starts BINDIR/ipclab-server in a fresh runtime directory, waits for its
# "ready:" line, runs the two clients at once, stops the server with
# SIGINT. Exit status 0 when every request got its answer.
set -eu

[ $# -ge 1 ] || { echo "usage: $0 BINDIR [SERVER-OPTION...]" >&2; exit 2; }
bin=$1
shift

work=$(mktemp -d "${TMPDIR:-/tmp}/ipclab-sample.XXXXXX")
server_pid=""
cleanup() {
    status=$?
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -INT "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
    exit $status
}
trap cleanup EXIT INT TERM

mkfifo "$work/server.out"
"$bin/ipclab-server" --dir "$work/run" "$@" >"$work/server.out" &
server_pid=$!
# wait for "ready: DIR" (a condition, not a sleep)
exec 3<"$work/server.out"
if ! read -r first <&3 || [ "${first%%:*}" != "ready" ]; then
    echo "workload: the server did not start" >&2
    exit 1
fi
cat <&3 >/dev/null &
exec 3<&-

printf '6 * 7\n1 / 0\n' >"$work/a"
printf '100 - 58\n2 + 40\n' >"$work/b"
"$bin/ipclab-rc" --dir "$work/run" --window 2 --file "$work/a" >"$work/a.out" &
a=$!
"$bin/ipclab-rc" --dir "$work/run" --window 2 --file "$work/b" >"$work/b.out" &
b=$!
failed=0
wait $a || failed=1
wait $b || failed=1
sed 's/^/rc a: /' "$work/a.out"
sed 's/^/rc b: /' "$work/b.out"

kill -INT "$server_pid"
wait "$server_pid" || failed=1
server_pid=""
exit $failed
