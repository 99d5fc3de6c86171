#!/bin/sh
# scripts/workload.sh - the default workload: a server and four requesting
# clients (rc1..rc4) at once, with a mix of operations and error cases.
#
#   scripts/workload.sh BINDIR [SERVER-OPTION...]
#
# Starts BINDIR/ipclab-server in a fresh private runtime directory, waits
# for its "ready:" line, runs rc1..rc4 in parallel, prints each client's
# results under its name, then stops the server with SIGINT and waits for
# it. Exit status 0 when every client got every answer and the server
# stopped cleanly.
set -eu

[ $# -ge 1 ] || { echo "usage: $0 BINDIR [SERVER-OPTION...]" >&2; exit 2; }
bin=$1
shift

work=$(mktemp -d "${TMPDIR:-/tmp}/ipclab-run.XXXXXX")
dir="$work/run"
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
"$bin/ipclab-server" --dir "$dir" "$@" >"$work/server.out" &
server_pid=$!

# Wait for "ready: DIR" (a condition, not a sleep); a dead server ends
# the read with EOF.
exec 3<"$work/server.out"
if ! read -r first <&3 || [ "${first%%:*}" != "ready" ]; then
    echo "workload: the server did not start" >&2
    exit 1
fi
# keep draining the server's stdout in the background
cat <&3 >"$work/server.log" &
exec 3<&-
# to pick this run out of a trace: ipclab-trace seq --server PID DIR
echo "server pid: $server_pid"

cat >"$work/rc1" <<'EXPR'
6 * 7
100 + 23
-5 - 8
EXPR
cat >"$work/rc2" <<'EXPR'
84 / 2
9223372036854775807 + 1
12 * -3
EXPR
cat >"$work/rc3" <<'EXPR'
1 / 0
7 - 10
-9223372036854775808 / -1
EXPR
cat >"$work/rc4" <<'EXPR'
2 * 21
1000 / 7
5 + 5
EXPR

failed=0
for rc in rc1 rc2 rc3 rc4; do
    "$bin/ipclab-rc" --dir "$dir" --window 3 --file "$work/$rc" \
        >"$work/$rc.out" 2>&1 &
    eval "pid_$rc=\$!"
done
for rc in rc1 rc2 rc3 rc4; do
    eval "wait \$pid_$rc" || failed=1
    sed "s/^/$rc: /" "$work/$rc.out"
done

kill -INT "$server_pid"
wait "$server_pid" || failed=1
server_pid=""
wait || true
cat "$work/server.log"
exit $failed
