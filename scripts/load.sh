#!/bin/sh
# scripts/load.sh - many requesting clients at once, from prepared files.
#
#   scripts/load.sh BINDIR WORKDIR CLIENTS WINDOW [SERVER-OPTION...]
#
# Starts BINDIR/ipclab-server on WORKDIR/run, waits for its "ready:" line,
# runs CLIENTS ipclab-rc at once -- client K (0, 1, ...) reads
# WORKDIR/rcK.in with --window WINDOW and writes WORKDIR/rcK.out and
# WORKDIR/rcK.err -- then stops the server with SIGINT. The server's stdout
# after "ready:" (its "stopped: ..." summary) goes to WORKDIR/server.out,
# its stderr to WORKDIR/server.err.
#
# Each client gives up after LOAD_TIMEOUT_MS (default 60000) without an
# answer. The script only runs the load: checking the answers is the
# caller's job (the load tests in tests/faults/ compare them with their own
# arithmetic).
# Run it under traces/record.sh to trace the whole load, server included.
# Exit status 0 when every client and the server exited 0.
set -eu
. "$(dirname "$0")/lib/help.sh"
script_help "$@"
. "$(dirname "$0")/lib/server.sh"

if [ $# -lt 4 ]; then
    echo "usage: $0 BINDIR WORKDIR CLIENTS WINDOW [SERVER-OPTION...]" >&2
    exit 2
fi
bin=$1 work=$2 clients=$3 window=$4
shift 4
# A request queued behind all the others in flight (CLIENTS * WINDOW) may
# wait long for its answer when every request forks a worker, the more so
# under sanitizers: the load checks answers, not latency.
timeout=${LOAD_TIMEOUT_MS:-60000}

cleanup() {
    status=$?
    stop_server || true
    exit $status
}
trap cleanup EXIT INT TERM

start_server "$work" "$work/server.out" "$work/server.err" \
    "$bin/ipclab-server" --dir "$work/run" "$@" || exit 1

pids=""
k=0
while [ "$k" -lt "$clients" ]; do
    "$bin/ipclab-rc" --dir "$work/run" --window "$window" \
        --timeout "$timeout" --file "$work/rc$k.in" \
        >"$work/rc$k.out" 2>"$work/rc$k.err" &
    pids="$pids $!"
    k=$((k + 1))
done

failed=0
for pid in $pids; do
    wait "$pid" || failed=1
done

stop_server || failed=1
exit $failed
