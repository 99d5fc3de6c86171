#!/bin/sh
# scripts/workload.sh - the default workload: a server and four requesting
# clients (rc1..rc4) at once, with a mix of operations and error cases.
#
#   scripts/workload.sh BINDIR [SERVER-OPTION...]
#
# Starts BINDIR/ipclab-server in a fresh private runtime directory, waits
# for its "ready:" line, starts rc1..rc4, releases them together (the gate
# of scripts/lib/server.sh), prints each client's results under its name,
# then stops the server with SIGINT and waits for it. Exit status 0 when
# every client got every answer and the server stopped cleanly.
set -eu
. "$(dirname "$0")/lib/help.sh"
script_help "$@"
. "$(dirname "$0")/lib/server.sh"

[ $# -ge 1 ] || { echo "usage: $0 BINDIR [SERVER-OPTION...]" >&2; exit 2; }
bin=$1
shift

server_workdir run
dir="$work/run"

start_server "$work" "$work/server.log" - "$bin/ipclab-server" \
    --dir "$dir" "$@" || exit 1
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
run_clients "$bin/ipclab-rc" "$dir" 3 rc1 "$rc1" rc2 "$rc2" rc3 "$rc3" \
    rc4 "$rc4" || failed=1

stop_server || failed=1
cat "$work/server.log"
exit $failed
