#!/bin/sh
# scripts/run-demo.sh - what 'make run' does: the default workload,
# recorded with LTTng when it is installed, then where to look.
#
#   scripts/run-demo.sh BINDIR
set -eu
[ $# -eq 1 ] || { echo "usage: $0 BINDIR" >&2; exit 2; }
bin=$1
here=$(dirname "$0")
trace_dir=build/traces/run

if command -v lttng >/dev/null 2>&1 && command -v lttng-sessiond \
        >/dev/null 2>&1 && [ "$(cat build/.tracing 2>/dev/null)" = 1 ]; then
    mkdir -p "$(dirname "$trace_dir")"
    "$here/../traces/record.sh" -o "$trace_dir" -- "$here/workload.sh" "$bin" |
        tee "$trace_dir.out"
    echo
    echo "Trace recorded in $trace_dir"
    if [ -x "$bin/ipclab-trace" ]; then
        # only this run's processes: the session saw the whole machine
        server=$(sed -n 's/^server pid: //p' "$trace_dir.out")
        echo
        "$bin/ipclab-trace" seq ${server:+--server "$server"} "$trace_dir"
        "$bin/ipclab-trace" svg ${server:+--server "$server"} "$trace_dir" \
            >"$trace_dir.svg" &&
            echo "SVG sequence diagram: $trace_dir.svg"
    else
        echo "Look at it with: babeltrace2 $trace_dir"
    fi
else
    "$here/workload.sh" "$bin"
    echo
    echo "No trace recorded: LTTng is not installed or tracing was" \
         "compiled out (see docs/troubleshooting.md)."
fi
