#!/bin/sh
# scripts/soak.sh - the load test, for as long as you like: 'make soak'.
#
#   scripts/soak.sh BINDIR [SECONDS [CLIENTS [WINDOW [SERVER-OPTION...]]]]
#
# Starts BINDIR/ipclab-server in a fresh runtime directory and CLIENTS
# (default 32) requesting clients at once. Each client runs batches of
# 'ipclab-rc --count 250 --random --window WINDOW' (default window 8),
# one after the other, until SECONDS (default 180) have passed; every
# answer is checked by ipclab-rc itself. Then it stops the server and
# prints the figures:
#
#   soak: 180 s, 32 clients, window 8: 1234000 requests, 50123 errors,
#   0 lost, 0 wrong, 6855 requests/s
#
# 'errors' are arithmetic errors (division by zero, overflow): answers,
# not failures. Exit status 0 when nothing was lost or wrong, every client
# batch succeeded and the server stopped cleanly with nothing dropped.
set -eu
. "$(dirname "$0")/lib/help.sh"
script_help "$@"
. "$(dirname "$0")/lib/server.sh"

if [ $# -lt 1 ]; then
    echo "usage: $0 BINDIR [SECONDS [CLIENTS [WINDOW [SERVER-OPTION...]]]]" >&2
    exit 2
fi
bin=$1
seconds=${2:-180}
clients=${3:-32}
window=${4:-8}
[ $# -ge 4 ] && shift 4 || shift $#

server_workdir soak

start_server "$work" "$work/server.out" - "$bin/ipclab-server" \
    --dir "$work/run" "$@" || exit 1

# One client: batches until the deadline; each batch's summary is kept.
client() {
    k=$1 end=$2 batch=0
    while [ "$(date +%s)" -lt "$end" ]; do
        batch=$((batch + 1))
        if ! "$bin/ipclab-rc" --dir "$work/run" --count 250 --random \
                --seed "$((k * 100000 + batch))" --window "$window" \
                --quiet >>"$work/rc$k.sum" 2>>"$work/rc$k.err"; then
            echo "failed" >>"$work/rc$k.sum"
        fi
    done
}

start=$(date +%s)
end=$((start + seconds))
echo "soak: $clients clients, window $window, for $seconds s..." >&2
pids=""
k=0
while [ "$k" -lt "$clients" ]; do
    client "$k" "$end" &
    pids="$pids $!"
    k=$((k + 1))
done
for pid in $pids; do
    wait "$pid"
done
elapsed=$(($(date +%s) - start))

server_status=0
stop_server || server_status=$?

# "requests: 1000, answered: 1000, errors: 39, wrong: 0, lost: 0" per batch
cat "$work"/rc*.sum | awk -v secs="$elapsed" -v clients="$clients" \
    -v window="$window" '
    /^requests:/ {
        gsub(",", "")
        req += $2; ans += $4; err += $6; wrong += $8; lost += $10
    }
    /^failed/ { failed++ }
    END {
        fmt = "soak: %d s, %d clients, window %d: %d requests, " \
              "%d errors, %d lost, %d wrong, %.0f requests/s\n"
        printf fmt, secs, clients, window, req, err, lost, wrong,
               (secs > 0 ? ans / secs : 0)
        if (failed > 0)
            printf "soak: %d client batches failed\n", failed
        exit (lost > 0 || wrong > 0 || failed > 0 || req == 0)
    }' || failed=1
echo "server: $(cat "$work/server.out")"
cat "$work"/rc*.err >&2 2>/dev/null || true

[ "${failed:-0}" -eq 0 ] && [ "$server_status" -eq 0 ] &&
    grep -q ", 0 results undeliverable, 0 invalid records dropped" \
        "$work/server.out"
