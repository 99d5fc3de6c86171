#!/bin/sh
# scripts/workload.sh - the default workload: a server and four requesting
# clients (rc1..rc4) at once, with a mix of operations and error cases.
#
#   scripts/workload.sh BINDIR [SERVER-OPTION...]
#
# Starts BINDIR/ipclab-server in a fresh private runtime directory, waits
# for its "ready:" line, starts rc1..rc4, releases them together (a gate,
# below), prints each client's results under its name, then stops the
# server with SIGINT and waits for it. Exit status 0 when every client got
# every answer and the server stopped cleanly.
#
# The gate: a traced process takes longer to start than a client takes to
# send its three requests, so clients started one after the other would
# never meet in the server. Each client reads its expressions from a FIFO
# of its own (ipclab-rc --file FIFO), and its open() of that FIFO blocks
# until a writer comes. The workload opens each FIFO for writing, which
# returns once that client is up and waiting, and writes the expressions
# only when every client is: then all four send at the same moment.
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

# Each client's requests, one per line
rc1='6 * 7
100 + 23
-5 - 8'
rc2='84 / 2
9223372036854775807 + 1
12 * -3'
rc3='1 / 0
7 - 10
-9223372036854775808 / -1'
rc4='2 * 21
1000 / 7
5 + 5'

failed=0
for rc in rc1 rc2 rc3 rc4; do
    mkfifo "$work/$rc.in"
    # A client that dies before opening its input (a missing program...)
    # would leave the workload's open() below waiting forever: its
    # subshell then opens the FIFO itself (read-write: never blocks), which
    # lets that open() return; the failure shows in the exit status.
    ( st=0
      "$bin/ipclab-rc" --dir "$dir" --window 3 --file "$work/$rc.in" \
          >"$work/$rc.out" 2>&1 || st=$?
      exec 9<>"$work/$rc.in"
      exit $st ) &
    eval "pid_$rc=\$!"
done
# every client is up once its FIFO has a reader: hold them all open...
exec 4>"$work/rc1.in" 5>"$work/rc2.in" 6>"$work/rc3.in" 7>"$work/rc4.in"
# ...then release them together (cat, not the shell: a client that died
# makes cat, not the workload, take the SIGPIPE)
# every client is waiting on its input: release them together (printf is
# the shell's own, so the four writes follow each other within microseconds)
printf '%s\n' "$rc1" >&4 || failed=1
printf '%s\n' "$rc2" >&5 || failed=1
printf '%s\n' "$rc3" >&6 || failed=1
printf '%s\n' "$rc4" >&7 || failed=1
exec 4>&- 5>&- 6>&- 7>&-
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
