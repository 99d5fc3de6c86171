#!/bin/sh
# scripts/run-demo.sh - what 'make run' and 'make lab' do: a command (by
# default the default workload), recorded with LTTng when it is installed,
# then its sequence diagram.
#
#   scripts/run-demo.sh BINDIR TRACE-DIR [COMMAND [ARG...]]
#
# COMMAND defaults to: scripts/workload.sh BINDIR.
# The previous TRACE-DIR, TRACE-DIR.out and TRACE-DIR.svg (or its pages
# TRACE-DIR-N.svg) are moved aside
# (*.old) first, so that nothing of an earlier run is shown as this one's.
# Exit status: COMMAND's when it was recorded (the diagram is drawn even
# when COMMAND failed, to see what went wrong); 1 with the reason when
# the recording itself or the diagram failed.
set -eu
. "$(dirname "$0")/lib/help.sh"
script_help "$@"
[ $# -ge 2 ] || { echo "usage: $0 BINDIR TRACE-DIR [COMMAND [ARG...]]" >&2
                  exit 2; }
bin=$1
trace_dir=$2
here=$(dirname "$0")
shift 2
[ $# -ge 1 ] || set -- "$here/workload.sh" "$bin"

if ! command -v lttng >/dev/null 2>&1 ||
   ! command -v lttng-sessiond >/dev/null 2>&1 ||
   [ "$(cat "$bin/../.tracing" 2>/dev/null)" != 1 ]; then
    status=0
    "$@" || status=$?
    echo
    echo "No trace recorded: LTTng is not installed or tracing was" \
         "compiled out (see docs/troubleshooting.md)."
    exit $status
fi

mkdir -p "$(dirname "$trace_dir")"
for f in "$trace_dir" "$trace_dir.out" "$trace_dir.svg" "$trace_dir"-*.svg; do
    # pages are TRACE-DIR-N.svg: lab05-run.svg is another trace's picture
    case "$f" in
    "$trace_dir"-*.svg)
        page=${f#"$trace_dir"-}
        page=${page%.svg}
        case "$page" in ''|*[!0-9]*) continue ;; esac ;;
    esac
    if [ -e "$f" ]; then rm -rf "$f.old" && mv "$f" "$f.old"; fi
done
# record.sh's status through a file: a pipeline would hide it
status_file="$trace_dir.status"
rm -f "$status_file"
{ status=0
  "$here/../traces/record.sh" -o "$trace_dir" -- "$@" 2>&1 || status=$?
  echo $status >"$status_file"; } | tee "$trace_dir.out"
status=$(cat "$status_file" 2>/dev/null || echo 1)
rm -f "$status_file"
echo
if [ ! -f "$trace_dir/record.info" ]; then
    echo "run-demo: the recording failed (exit $status): no trace, no" \
         "diagram; see above, or run: make doctor" >&2
    [ "$status" != 0 ] || status=1
    exit "$status"
fi
echo "Trace recorded in $trace_dir"
[ "$status" = 0 ] ||
    echo "run-demo: '$*' failed (exit $status): its diagram shows what" \
         "happened" >&2
if [ ! -x "$bin/ipclab-trace" ]; then
    echo "Look at it with: babeltrace2 $trace_dir"
    exit "$status"
fi
# the recorded processes only (record.info): ipclab-trace's default
echo
"$bin/ipclab-trace" seq "$trace_dir" || exit 1
echo "Space-time diagram (SVG; numbered pages when it is too tall):"
"$bin/ipclab-trace" svg --output "$trace_dir.svg" "$trace_dir" || exit 1
exit "$status"
