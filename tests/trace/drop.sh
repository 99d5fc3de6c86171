#!/bin/sh
# tests/trace/drop.sh - a requesting client killed with results pending.
#
#   traces/record.sh -o DIR -- tests/trace/drop.sh BINDIR
#
# Starts BINDIR/ipclab-server in a fresh runtime directory and stops its
# sum worker (SIGSTOP), so that no request can be answered. An rc then
# sends eight sums (its whole window) and is killed (SIGKILL) once all
# eight are written and the server offered the first to the worker (a
# "ready" pending for it). The worker goes on (SIGCONT); once it wrote a
# result, the server serves it again and is stopped (SIGINT; it answers
# what is in flight). The server never delivers those eight results: each
# must end in a traced record_drop (FIFO2 "stale", or FIFO1 "stale" when
# the request was still unread when its client died). Prints "server pid:
# N". Every wait below is for a condition; the polls' short sleeps only
# pace them, and each has a bound.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 BINDIR" >&2; exit 2; }
bin=$1
requests=8
record_size=56                  # sizeof(struct ipc_record)
ready=36                        # SIGRTMIN+2 with glibc: "ready" (docs/protocol.md, 3)

work=$(mktemp -d "${TMPDIR:-/tmp}/ipclab-drop.XXXXXX")
server_pid=""
sum=""
# Stop the server (SIGINT: it answers what is in flight); its exit status
stop_server() {
    st=0
    if [ -n "$server_pid" ]; then
        kill -INT "$server_pid" 2>/dev/null || true
        wait "$server_pid" || st=$?
        server_pid=""
    fi
    return $st
}
cleanup() {
    status=$?
    [ -z "$sum" ] || kill -CONT "$sum" 2>/dev/null || true
    stop_server 2>/dev/null || true
    rm -rf "$work"
    exit $status
}
trap cleanup EXIT INT TERM

fail() {
    echo "drop.sh: $*" >&2
    exit 1
}

# Poll 'test' (a shell command) up to 10 s
await() {
    tries=1000
    until eval "$1"; do
        tries=$((tries - 1))
        [ $tries -gt 0 ] || fail "timed out waiting: $2"
        sleep 0.01
    done
}

# The state letter of /proc/PID/stat (after the last ')')
state() {
    sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null || echo gone
}

# Bytes pid has written (/proc/PID/io wchar), 0 when unreadable
written() {
    sed -n 's/^wchar: //p' "/proc/$1/io" 2>/dev/null || echo 0
}

# Has process $1 opened FIFO3? (a worker: it is set up, its tracer too)
reads_fifo3() {
    for fd in /proc/"$1"/fd/*; do
        [ "$(readlink "$fd" 2>/dev/null)" != "$work/run/fifo3" ] || return 0
    done
    return 1
}

# Is a "ready" (SIGRTMIN+2, the server's rt mode) pending for process $1?
ready_pending() {
    mask=$(sed -n 's/^ShdPnd:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
    [ -n "$mask" ] && [ $(((0x$mask >> (ready - 1)) & 1)) = 1 ]
}

mkfifo "$work/server.out"
"$bin/ipclab-server" --dir "$work/run" >"$work/server.out" &
server_pid=$!
exec 3<"$work/server.out"
if ! read -r first <&3 || [ "${first%%:*}" != "ready" ]; then
    fail "the server did not start"
fi
cat <&3 >"$work/server.log" &
exec 3<&-
echo "server pid: $server_pid"

# the server starts its workers before "ready"
sum=$(pgrep -P "$server_pid" -x ipclab-sum) || fail "no ipclab-sum worker"
# stopped before it is set up, it would trace nothing of what it reads
await 'reads_fifo3 "$sum"' "ipclab-sum's FIFO3"
kill -STOP "$sum"
await '[ "$(state "$sum")" = T ]' "ipclab-sum stopped"

i=1
while [ $i -le $requests ]; do
    echo "$i + $i"
    i=$((i + 1))
done >"$work/rc.in"
"$bin/ipclab-rc" --dir "$work/run" --window $requests --file "$work/rc.in" \
    >"$work/rc.out" 2>&1 &
rc=$!
await '[ "$(written "$rc")" -ge $((requests * record_size)) ]' \
    "the rc's $requests requests"
await 'ready_pending "$sum"' "a ready for the stopped ipclab-sum"
kill -KILL "$rc"
if wait "$rc" 2>/dev/null; then
    fail "the rc was not killed: $(cat "$work/rc.out")"
fi

before=$(written "$sum")
kill -CONT "$sum"
await '[ "$(written "$sum")" -ge $((before + record_size)) ]' \
    "a result from ipclab-sum"
sum=""
stop_server || fail "the server failed: $(cat "$work/server.log")"
wait || true
cat "$work/server.log"
