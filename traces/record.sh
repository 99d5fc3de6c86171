#!/bin/sh
# traces/record.sh - record an LTTng trace of any command, in one step.
#
#   traces/record.sh [-o DIR] [-n NAME] [--fork] -- COMMAND [ARG...]
#
# Records every ipclab:* event of COMMAND and of everything it starts into a
# CTF trace directory (default: build/traces/NAME), then prints where it is.
# It prints each lttng command it runs, prefixed with '+', so you can learn
# them and run them by hand. The exit status is COMMAND's.
#
# What it takes care of:
#  - a session daemon: uses the running one, or starts one and stops it
#    afterwards (by its pid, never by name);
#  - its own LTTNG_HOME when it starts the daemon, so a stale or shared
#    ~/.lttng cannot make the session silently record nothing;
#  - one recording at a time on this machine, and none during a test run
#    (a lock), because the root session daemon is shared by everyone;
#  - the vpid, vtid and procname contexts that tell the processes apart;
#  - with --fork, liblttng-ust-fork.so preloaded into COMMAND, so that
#    children it makes with fork() and no exec (as the labs do) are traced
#    too; COMMAND must then be a program, not a shell script.
set -eu

out=""
fork_wrapper=0
name="ipclab-$(date +%Y%m%d-%H%M%S)-$$"
usage() {
    echo "usage: $0 [-o DIR] [-n NAME] [--fork] -- COMMAND [ARG...]" >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case "$1" in
    -o) [ $# -ge 2 ] || usage; out="$2"; shift 2 ;;
    -n) [ $# -ge 2 ] || usage; name="$2"; shift 2 ;;
    --fork) fork_wrapper=1; shift ;;
    -h|--help)
        sed -n '2,20s/^# \{0,1\}//p' "$0"; exit 0 ;;
    --) shift; break ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || usage
[ -n "$out" ] || out="build/traces/$name"

for tool in lttng lttng-sessiond; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "record.sh: '$tool' not found: install lttng-tools" \
             "(make deps, or: apt-get install lttng-tools)" >&2
        exit 1
    fi
done

say() { echo "+ $*" >&2; "$@"; }

# One recording at a time, and none while tests run: every root session
# sees every ipclab process on the machine. The lock is the one that
# scripts/run-tests.sh and the test programs take; a test that records
# already holds it (IPCLAB_TESTS_LOCKED=1).
if [ "${IPCLAB_TESTS_LOCKED:-0}" != 1 ]; then
    lock="${TMPDIR:-/tmp}/ipclab-tests.lock"
    exec 9>>"$lock"
    if ! flock -w 600 9; then
        echo "record.sh: tests or another recording held '$lock'" \
             "for 10 minutes" >&2
        exit 1
    fi
    # we hold it for COMMAND: a test program recorded here must not wait
    # for it again
    IPCLAB_TESTS_LOCKED=1
    export IPCLAB_TESTS_LOCKED
fi

home=""
sessiond_pid=""
cleanup() {
    status=$?
    if [ -n "$sessiond_pid" ]; then
        lttng destroy "$name" >/dev/null 2>&1 || true
        kill "$sessiond_pid" 2>/dev/null || true
        # wait for it to go, so the next recording can start its own
        i=0
        while kill -0 "$sessiond_pid" 2>/dev/null && [ $i -lt 100 ]; do
            sleep 0.05; i=$((i + 1))
        done
    fi
    [ -n "$home" ] && rm -rf "$home"
    exit $status
}
trap cleanup EXIT INT TERM

if ! lttng list >/dev/null 2>&1; then
    home=$(mktemp -d "${TMPDIR:-/tmp}/ipclab-lttng-home.XXXXXX")
    export LTTNG_HOME="$home"
    say lttng-sessiond --daemonize --pidfile "$home/sessiond.pid"
    sessiond_pid=$(cat "$home/sessiond.pid")
fi

mkdir -p "$(dirname "$out")"
rm -rf "$out"
say lttng create "$name" --output="$out" >/dev/null
say lttng enable-event --userspace 'ipclab:*' >/dev/null
say lttng add-context --userspace --type=vpid --type=vtid --type=procname \
    >/dev/null
say lttng start "$name" >/dev/null

# --fork: a process that fork()s without exec keeps tracing in its child
# only with this wrapper preloaded (lttng-ust(3), "fork"). Not by default:
# it makes /bin/sh abort (its fd tracker trips over the shell's own fds),
# so use it on a program run directly, not on a script.
if [ "$fork_wrapper" = 1 ]; then
    LD_PRELOAD="liblttng-ust-fork.so.1${LD_PRELOAD:+:$LD_PRELOAD}"
    export LD_PRELOAD
fi

set +e
echo "+ ${LD_PRELOAD:+LD_PRELOAD=$LD_PRELOAD }$*" >&2
"$@"
status=$?
set -e
unset LD_PRELOAD

say lttng stop "$name" >/dev/null
say lttng destroy "$name" >/dev/null
echo "trace: $out" >&2
exit $status
