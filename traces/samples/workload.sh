#!/bin/sh
# traces/samples/workload.sh - the small workload of the sample traces: a
# server and two requesting clients, two requests each (one of them an
# error), so that a whole run fits on a screen.
#
#   traces/samples/workload.sh BINDIR [SERVER-OPTION...]
#
# Like scripts/workload.sh (which runs four clients of three requests):
# starts BINDIR/ipclab-server in a fresh runtime directory, waits for its
# "ready:" line, starts the two clients and releases them together (the
# gate of scripts/lib/server.sh), stops the server with SIGINT. Exit
# status 0 when every request got its answer.
set -eu
. "$(dirname "$0")/../../scripts/lib/help.sh"
script_help "$@"
. "$(dirname "$0")/../../scripts/lib/server.sh"

[ $# -ge 1 ] || { echo "usage: $0 BINDIR [SERVER-OPTION...]" >&2; exit 2; }
bin=$1
shift

server_workdir sample

start_server "$work" /dev/null - "$bin/ipclab-server" --dir "$work/run" \
    "$@" || exit 1

failed=0
run_clients "$bin/ipclab-rc" "$work/run" 2 a '6 * 7
1 / 0' b '100 - 58
2 + 40' || failed=1

stop_server || failed=1
exit $failed
