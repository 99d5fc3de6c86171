#!/bin/sh
# traces/samples/make-samples.sh - record the sample traces again, and the
# diagrams they are expected to give.
#
#   traces/samples/make-samples.sh [BINDIR]      (default: build/bin)
#
# Run from the top of the source tree, after 'make programs'. For each
# sample NAME (default, per-request, classic) it records
# traces/samples/workload.sh into traces/samples/NAME/ and writes
# traces/samples/NAME.seq.txt, the output of 'ipclab-trace seq
# traces/samples/NAME'. tests/trace (check_samples.c) draws the diagrams
# again and compares: change a diagram on purpose, run this, commit both.
#
# The root session daemon records every ipclab program of the machine: a
# recording that caught someone else's processes is made again.
set -eu
. "$(dirname "$0")/../../scripts/lib/help.sh"
script_help "$@"

bin=${1:-build/bin}
here=traces/samples
[ -x "$bin/ipclab-trace" ] || { echo "$0: no $bin/ipclab-trace" >&2; exit 1; }

sample() {
    name=$1
    shift
    for attempt in 1 2 3; do
        if ! traces/record.sh -o "$here/$name" -- \
                "$here/workload.sh" "$bin" "$@" >"$here/$name.log" 2>&1; then
            cat "$here/$name.log" >&2
            exit 1
        fi
        rm -f "$here/$name.log"
        # server, two clients, four processing clients: nobody else
        if "$bin/ipclab-trace" stats "$here/$name" |
                grep -q '^requests: 4 sent, 4 answered' &&
           [ "$("$bin/ipclab-trace" seq "$here/$name" | head -1 |
                sed 's/.*: \([0-9]*\) processes.*/\1/')" = 7 ]; then
            "$bin/ipclab-trace" seq "$here/$name" >"$here/$name.seq.txt"
            echo "$here/$name: $(head -1 "$here/$name.seq.txt")"
            return 0
        fi
        echo "$here/$name: other processes were recorded too, again" >&2
    done
    echo "$0: cannot record a clean $name sample" >&2
    exit 1
}

sample default
sample per-request --spawn per-request
sample classic --signals classic
