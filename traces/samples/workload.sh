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
. "$(dirname "$0")/../../scripts/lib/server.sh"

[ $# -ge 1 ] || { echo "usage: $0 BINDIR [SERVER-OPTION...]" >&2; exit 2; }
bin=$1
shift

server_workdir sample

start_server "$work" /dev/null - "$bin/ipclab-server" --dir "$work/run" \
    "$@" || exit 1

failed=0
gated_client "$work/a" "$work/a.out" \
    "$bin/ipclab-rc" --dir "$work/run" --window 2 --file "$work/a"
gated_client "$work/b" "$work/b.out" \
    "$bin/ipclab-rc" --dir "$work/run" --window 2 --file "$work/b"
release_clients "$work/a" '6 * 7
1 / 0' "$work/b" '100 - 58
2 + 40' || failed=1
# shellcheck disable=SC2086  # the list of pids, split on purpose
set -- $gated_pids
wait "$1" || failed=1
wait "$2" || failed=1
sed 's/^/rc a: /' "$work/a.out"
sed 's/^/rc b: /' "$work/b.out"

stop_server || failed=1
exit $failed
