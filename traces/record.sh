#!/bin/sh
# traces/record.sh - record an LTTng trace of any command, in one step.
#
#   traces/record.sh [-o DIR] [-n NAME] [--fork] [--pid PID]... [--any-user]
#                    [--buffers SIZE,COUNT] -- COMMAND [ARG...]
#
# Records the ipclab:* events of COMMAND and of everything it starts (and
# of each process --pid names, such as a server started by hand) into a
# CTF trace directory (default: build/traces/NAME), then prints where it
# is and how many events the tracer lost. It prints each lttng command it
# runs, prefixed with '+', so you can learn them and run them by hand.
# The exit status is COMMAND's (said when not 0), 1 when the recording
# itself failed, 126 or 127 when COMMAND cannot run (nothing recorded).
#
# What it takes care of:
#  - a session daemon: uses the running one, or starts one and stops it
#    afterwards, even when killed (by its pid, never by name), with its
#    own LTTNG_HOME (with yours when --pid names a process, which waits
#    for it there); never one that 'lttng create' would spawn by
#    itself, which nobody would stop (lttng --no-sessiond);
#  - only this run's processes: the session records only processes of
#    your uid (and of the uids of the --pid processes; --any-user: all);
#    COMMAND runs in a UTS namespace of its own, and DIR/record.info names
#    it, COMMAND's pid and the --pid pids, so that ipclab-trace keeps only
#    this run's processes (docs/tracing.md, section 3);
#  - one recording at a time per user, and none during that user's test
#    run (scripts/lib/lock.sh): the second one says whom it waits for;
#  - the previous DIR is moved to DIR.old first: nothing old looks new
#    (only a recording or an empty directory: anything else is refused);
#  - events the tracer discarded (full buffers): counted in record.info
#    and printed; --buffers 4096,2 (or IPCLAB_RECORD_BUFFERS) sets the
#    sub-buffer size and count, small ones to provoke losses;
#  - with --fork, liblttng-ust-fork.so preloaded into COMMAND, so that
#    children it makes with fork() and no exec (as the labs do) are traced
#    too; COMMAND must then be a program, not a shell script.
set -eu

out=""
fork_wrapper=0
any_user=0
pids=""
buffers=${IPCLAB_RECORD_BUFFERS:-}
name="ipclab-$(date +%Y%m%d-%H%M%S)-$$"
usage() {
    echo "usage: $0 [-o DIR] [-n NAME] [--fork] [--pid PID]... [--any-user]" \
         "[--buffers SIZE,COUNT] -- COMMAND [ARG...]" >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case "$1" in
    -o) [ $# -ge 2 ] || usage; out="$2"; shift 2 ;;
    -n)
        [ $# -ge 2 ] || usage
        case "$2" in ''|-*|*/*) echo "record.sh: -n: '$2' is not a" \
                                      "session name" >&2; exit 2 ;; esac
        name="$2"; shift 2 ;;
    --fork) fork_wrapper=1; shift ;;
    --pid)
        [ $# -ge 2 ] || usage
        case "$2" in ''|*[!0-9]*|0*) echo "record.sh: --pid: '$2' is not a" \
                                           "process id" >&2; exit 2 ;; esac
        kill -0 "$2" 2>/dev/null || [ -d "/proc/$2" ] || {
            echo "record.sh: --pid: no process $2" >&2; exit 2; }
        pids="$pids $2"; shift 2 ;;
    --any-user) any_user=1; shift ;;
    --buffers) [ $# -ge 2 ] || usage; buffers="$2"; shift 2 ;;
    -h|--help)  # sourced only here: the grader's stage copies record.sh alone
        . "$(dirname "$0")/../scripts/lib/help.sh"; script_help "$1" ;;
    --) shift; break ;;
    -*) echo "record.sh: unknown option '$1'" >&2; usage ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || usage
[ -n "$out" ] || out="build/traces/$name"
case "$buffers" in
'') ;;
[1-9]*,[1-9]*)
    subbuf_size=${buffers%,*}; num_subbuf=${buffers#*,}
    case "$subbuf_size$num_subbuf" in *[!0-9]*)
        echo "record.sh: --buffers: '$buffers' is not SIZE,COUNT" \
             "(like 4096,2)" >&2; exit 2 ;; esac ;;
*) echo "record.sh: --buffers: '$buffers' is not SIZE,COUNT (like 4096,2)" >&2
   exit 2 ;;
esac

for tool in lttng lttng-sessiond flock; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "record.sh: '$tool' not found: install lttng-tools" \
             "(make deps, or: apt-get install lttng-tools util-linux)" >&2
        exit 1
    fi
done

say() { echo "+ $*" >&2; "$@"; }
fail() { echo "record.sh: $*" >&2; exit 1; }

# COMMAND must be runnable before anything is recorded: the shell's own
# "not found" would name its script and leave an empty trace behind
case "$1" in
*/*) if [ -d "$1" ] || [ ! -x "$1" ]; then
         echo "record.sh: '$1': not an executable file" >&2; exit 126
     fi ;;
*)   if ! command -v "$1" >/dev/null 2>&1; then
         echo "record.sh: '$1': command not found" >&2; exit 127
     fi ;;
esac

# One recording at a time per user, none during that user's tests. A test
# that records already holds the lock (IPCLAB_TESTS_LOCKED=1), and then
# needs no scripts/lib/ beside us (scripts/grade.sh stages only this file).
if [ "${IPCLAB_TESTS_LOCKED:-0}" != 1 ]; then
    lib="$(dirname "$0")/../scripts/lib/lock.sh"
    [ -r "$lib" ] || fail "cannot find $lib"
    . "$lib"
    ipclab_lock record.sh "record.sh $*" 600
fi

# The previous recording goes aside, so that a failure cannot leave it
# looking like this one. Only a recording (or an empty directory) is
# moved or removed: -o src must not cost anyone their sources.
recording() {
    [ ! -e "$1" ] && [ ! -L "$1" ] || [ -e "$1/record.info" ] ||
        [ -d "$1/ust" ] || { [ -d "$1" ] && [ -r "$1" ] && [ -z "$(ls -A "$1")" ]; }
}
for d in "$out" "$out.old"; do
    recording "$d" || fail "'$d' exists and is not a recording:" \
                           "give -o a new directory"
done
mkdir -p "$(dirname "$out")" || fail "cannot create '$(dirname "$out")'"
if [ -e "$out" ]; then
    rm -rf "$out.old" || fail "cannot remove '$out.old'"
    mv "$out" "$out.old" || fail "cannot move the old '$out' aside"
fi

me=$(id -u)
# root's session daemon is the system's (LTTNG_HOME does not move its
# sockets): every root recording, whatever its IPCLAB_LOCK_DIR, shares
# it. Each holds a shared lock on fd 7 while it may use it; the watcher
# of the one that started it stops it under the exclusive lock only.
rootlock=""
if [ "$me" = 0 ]; then
    rootlock=/run/ipclab-record.lock
    exec 7>>"$rootlock" || fail "cannot open '$rootlock'"
    flock -s 7 || fail "cannot lock '$rootlock'"
fi

# Our files, in $work: alive (below), session (our session's name, from
# just before it is created), daemon (there when we start a session daemon,
# whose pid is then in sessiond.pid), home (its LTTNG_HOME, when its own).
work=$(mktemp -d "${TMPDIR:-/tmp}/ipclab-record.XXXXXX" 2>/dev/null) ||
    fail "cannot create a temporary directory in '${TMPDIR:-/tmp}'"
# A watcher cleans up when we end, however we end (even SIGKILL): it
# destroys our session, stops the session daemon we started (by its pid,
# waiting, bounded, for one still starting to write it, and for it to go:
# the next recording may start its own) and removes $work. Its stdin is
# a FIFO whose only writer is our fd 8 (read-write: opening it waits for
# nobody), which no other child keeps: EOF comes when we are gone.
mkfifo "$work/alive" && exec 8<>"$work/alive" ||
    { rm -rf "$work"; fail "cannot create '$work/alive'"; }
setsid sh -c 'w=$1; lock=$2
    cat >/dev/null
    [ ! -d "$w/home" ] || export LTTNG_HOME="$w/home"
    if s=$(cat "$w/session" 2>/dev/null); then
        lttng --no-sessiond destroy "$s"
    fi
    if [ -e "$w/daemon" ]; then
        if [ -n "$lock" ]; then exec 7>>"$lock"; flock -x 7; fi
        i=0
        while [ ! -s "$w/sessiond.pid" ] && [ $i -lt 100 ]; do
            sleep 0.05; i=$((i + 1))
        done
        if pid=$(cat "$w/sessiond.pid") && kill "$pid"; then
            i=0
            while kill -0 "$pid" && [ $i -lt 100 ]; do
                sleep 0.05; i=$((i + 1))
            done
        fi
    fi
    rm -rf "$w"' watcher "$work" "$rootlock" \
    <"$work/alive" >/dev/null 2>&1 7>&- 8>&- 9>&- &
watcher=$!
cleanup() {
    status=$?
    # wait for the watcher, unless it waits for another root recording
    # that still uses the session daemon we started
    if [ -z "$rootlock" ] || [ ! -e "$work/daemon" ] || flock -n -x 7; then
        exec 7>&- 8>&-
        wait "$watcher" || true
    fi
    exit $status
}
# every way to be stopped runs cleanup: a closed terminal (HUP) or a
# reader gone ('record.sh ... | head': PIPE) must not leave the session
# daemon behind
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

# Start a session daemon of our own, which the watcher stops
start_sessiond() {
    # A --pid process already runs: it waits for a session daemon in its
    # LTTNG_HOME (as ours, presumably), so start one there when we can;
    # otherwise one of our own, which nothing else can disturb
    user_home=${LTTNG_HOME:-${HOME:-/nonexistent}}
    if [ -z "$pids" ] || [ ! -d "$user_home" ] || [ ! -w "$user_home" ]; then
        [ -z "$pids" ] || echo "record.sh: warning: the --pid processes" \
            "cannot join a session daemon started here ('$user_home' is" \
            "not writable): they are not recorded" >&2
        # a user's daemon makes its sockets there (.lttng/ustconsumerd64/
        # command, 30 more characters), and a socket's path has 107 at most
        [ "$me" = 0 ] || [ ${#work} -le 72 ] ||
            fail "TMPDIR '${TMPDIR:-/tmp}' is too long for a session" \
                 "daemon's socket paths: use a shorter one (TMPDIR=/tmp)"
        mkdir "$work/home" || fail "cannot create a directory for LTTNG_HOME"
        export LTTNG_HOME="$work/home"
    fi
    : >"$work/daemon" || fail "cannot write in '$work'"
    # (without the locks' fds 7 and 9, nor fd 8: only we hold them)
    say lttng-sessiond --daemonize --pidfile "$work/sessiond.pid" \
        7>&- 8>&- 9>&- && return
    rm -f "$work/daemon"
    fail "cannot start a session daemon (see: make doctor)"
}

lttng list >/dev/null 2>&1 || start_sessiond
# The watcher destroys the session named in $work/session, written before
# 'create' (a kill during it would leave the session): never another's
! lttng --no-sessiond list "$name" >/dev/null 2>&1 ||
    fail "a session named '$name' exists: give -n another name"
printf '%s\n' "$name" >"$work/session" || fail "cannot write in '$work'"
# --no-sessiond: the daemon found running may stop before 'create' (the
# recording that started it ends), and 'lttng create' would then spawn one
# that nobody stops; it fails instead, and we try once more, with our own
# daemon when none runs any more
if ! say lttng --no-sessiond create "$name" --output="$out" >/dev/null; then
    [ ! -e "$work/daemon" ] ||
        fail "cannot create a recording session (see: make doctor)"
    lttng list >/dev/null 2>&1 || start_sessiond
    say lttng --no-sessiond create "$name" --output="$out" >/dev/null ||
        fail "cannot create a recording session (see: make doctor)"
fi
channel=""
if [ -n "$buffers" ]; then
    channel="--channel=ipclab"
    say lttng enable-channel --userspace --session="$name" \
        --subbuf-size="$subbuf_size" --num-subbuf="$num_subbuf" ipclab \
        >/dev/null || fail "cannot make a channel with buffers $buffers"
fi
say lttng enable-event --userspace --session="$name" $channel 'ipclab:*' \
    >/dev/null || fail "cannot enable the ipclab events"
# COMMAND runs in a UTS namespace of its own (unshare(1); a user namespace
# too when not root), where the system allows it: every process it
# starts, however, carries the namespace, and no other process does.
# Without one, ipclab-trace follows the process tree only.
ns_cmd=""
ns_ctx=""
if [ "$me" = 0 ] && unshare --uts true 2>/dev/null; then
    ns_cmd="unshare --uts --"
elif [ "$me" != 0 ] &&
     unshare --map-current-user --uts true 2>/dev/null; then
    ns_cmd="unshare --map-current-user --uts --"
fi
[ -z "$ns_cmd" ] || ns_ctx="--type=uts_ns"
say lttng add-context --userspace --session="$name" $channel --type=vpid \
    --type=vtid --type=procname $ns_ctx >/dev/null ||
    fail "cannot add the contexts"
# Only our uid (and the --pid processes' uids): a root session daemon also
# hears every other user's ipclab programs. LTTng cannot follow a process
# tree (children's vpids are unknown in advance): record.info does that.
uids=$me
for p in $pids; do
    u=$(stat -c %u "/proc/$p" 2>/dev/null) || fail "--pid: no process $p"
    case " $uids " in *" $u "*) ;; *) uids="$uids,$u" ;; esac
done
if [ "$any_user" = 0 ]; then
    say lttng track --userspace --session="$name" --vuid="$uids" \
        >/dev/null || fail "cannot limit the session to uid $uids"
fi
say lttng start "$name" >/dev/null || fail "cannot start the session"

# --fork: a process that fork()s without exec keeps tracing in its child
# only with this wrapper preloaded (lttng-ust(3), "fork"). Not by default:
# it makes /bin/sh abort (its fd tracker trips over the shell's own fds),
# so it is set for COMMAND only, which must be a program, not a script.
preload=""
[ "$fork_wrapper" = 0 ] ||
    preload="liblttng-ust-fork.so.1${LD_PRELOAD:+:$LD_PRELOAD}"

# The programs load their probes only when asked (docs/tracing.md,
# "How a program loads its probes"); everything COMMAND starts inherits it.
IPCLAB_TRACE=1
export IPCLAB_TRACE

# COMMAND in the foreground (its own signals and stdin), through a shell
# (named record.sh in its errors, such as an exec that fails) that writes
# its pid and then becomes it: the root of this run's tree.
# From here on, Ctrl-C (or a hangup, a TERM) ends COMMAND only: the
# recording ends as when COMMAND exits, with its status and record.info
trap : HUP INT TERM
echo "+ ${preload:+LD_PRELOAD=$preload }$*" >&2
status=0
IPCLAB_RECORD_PRELOAD=$preload $ns_cmd sh -c '
    echo $$ >"$1/pid" || exit 126
    ns=$(readlink /proc/self/ns/uts) && echo "$ns" >"$1/pid.ns"
    [ -z "$IPCLAB_RECORD_PRELOAD" ] ||
        { LD_PRELOAD=$IPCLAB_RECORD_PRELOAD; export LD_PRELOAD; }
    unset IPCLAB_RECORD_PRELOAD
    shift
    exec "$@"' record.sh "$work" "$@" 7>&- 8>&- 9>&- || status=$?
root=$(cat "$work/pid" 2>/dev/null) || fail "COMMAND did not start"

echo "+ lttng stop $name" >&2
if ! lttng stop "$name" >"$work/stop" 2>&1; then
    cat "$work/stop" >&2
    fail "cannot stop the session"
fi
# "Warning: 12 events were discarded, please refer to ..." and the same
# for packets: the tracer's buffers were full
discarded=$(sed -n 's/.* \([0-9][0-9]*\) events* \(were\|was\) discarded.*/\1/p' \
            "$work/stop" | head -n 1)
lost=$(sed -n 's/.* \([0-9][0-9]*\) packets* \(were\|was\) lost.*/\1/p' \
       "$work/stop" | head -n 1)
say lttng destroy "$name" >/dev/null || fail "cannot destroy the session"
rm -f "$work/session"
[ -d "$out" ] || fail "nothing was recorded in '$out'"

{
    echo "# traces/record.sh: whose trace this is (ipclab-trace reads it)"
    echo "pids=$root$pids"
    ns=$(sed -n "s/^uts:\[\([0-9]*\)\]\$/\1/p" "$work/pid.ns" 2>/dev/null)
    [ -z "$ns_cmd" ] || [ -z "$ns" ] || echo "uts_ns=$ns"
    echo "uid=$me"
    echo "uids=$( [ "$any_user" = 1 ] && echo all || echo "$uids")"
    printf 'command=%s' "$*" | tr '\n' ' '; echo  # one line, as COMMAND is
    echo "discarded=${discarded:-0}"
    echo "lost_packets=${lost:-0}"
    # each stream file's size: a file lost or cut since shows as lost events
    echo "streams=$(cd "$out" && find ust -type f ! -name metadata \
        ! -path '*/index/*' -printf ' %p:%s')"
} >"$out/record.info" || fail "cannot write '$out/record.info'"

if [ "${discarded:-0}" != 0 ] || [ "${lost:-0}" != 0 ]; then
    echo "record.sh: WARNING: the tracer discarded ${discarded:-0} events" \
         "and lost ${lost:-0} packets (full buffers): the trace has gaps," \
         "which ipclab-trace shows" >&2
fi
if [ "$status" -gt 128 ] && [ "$status" -lt 160 ]; then
    echo "record.sh: '$*' was killed by signal $((status - 128))" >&2
elif [ "$status" != 0 ]; then
    echo "record.sh: '$*' failed (exit $status)" >&2
fi
echo "trace: $out" >&2
exit $status
