#!/bin/sh
# scripts/doctor.sh - why is my trace empty or missing? ('make doctor')
#
#   scripts/doctor.sh [BUILD-DIR]        (default: build)
#
# Checks, in the order a trace is made, everything that silently leaves a
# student with no trace or an empty one, and prints one line per check:
# "ok", "note" (worth knowing, tracing still works) or "PROBLEM", each
# finding with the command that fixes it. Fix problems from the top: a
# later one is often caused by an earlier one. It only looks; it changes
# nothing and starts nothing.
#
#   1. lttng-ust's development files, which make finds with pkg-config;
#      without them the kit builds with its tracepoints compiled out
#   2. the build: BUILD/.tracing says 1 and ipclab-server carries the
#      'ipclab' provider (nm, or strings when the binary is stripped)
#   3. lttng and lttng-sessiond installed (Debian package lttng-tools)
#   4. a session daemon running (traces/record.sh starts its own if not)
#   5. which session daemon a recording will use, root's (machine-wide:
#      root, or a member of the 'tracing' group while root's runs) or a
#      per-user one, and so which processes it sees
#   6. LTTNG_HOME: programs register only with a session daemon that uses
#      the same one; a missing or unwritable one stops a per-user daemon
#      (root's does not use it)
#   7. recording sessions already running: their traces get your programs'
#      events too; those that enable no ipclab event ('lttng list SESSION')
#   8. the kit's lock and runtime directories (scripts/lib/lock.sh,
#      include/ipclab/rundir.h): another user's, or open to others, they
#      stop every recording; a held lock makes record.sh wait
#
# IPCLAB_LOCK_DIR and IPCLAB_DIR choose those directories as the kit does;
# IPCLAB_LTTNG_RUNDIR is where root's session daemon lives (default
# /var/run/lttng): the tests point them at temporary directories.
#
# Exit status: 0 when tracing will work (notes allowed), 1 when a problem
# was found, 2 on a usage error. docs/troubleshooting.md explains each
# finding at more length.
set -u
. "$(dirname "$0")/lib/help.sh"
script_help "$@"

case "${1:-}" in
-*) echo "usage: $0 [BUILD-DIR]" >&2; exit 2 ;;
esac
[ $# -le 1 ] || { echo "usage: $0 [BUILD-DIR]" >&2; exit 2; }
build=${1:-build}

problems=0
# 'make' with the same build directory the student used
make_cmd="make"
[ "$build" = build ] || make_cmd="make BUILD=$build"
uid=$(id -u 2>/dev/null) || uid=unknown
if [ "$uid" = 0 ]; then sudo=""; else sudo="sudo "; fi

ok()      { printf '  ok       %s\n' "$*"; }
note()    { printf '  note     %s\n' "$*"; }
problem() { printf '  PROBLEM  %s\n' "$*"; problems=$((problems + 1)); }
# the lines under a finding: an explanation, or the command to type
say()     { printf '             %s\n' "$*"; }
fix()     { printf '             fix: %s\n' "$*"; }
run()     { printf '             $ %s\n' "$*"; }
have()    { command -v "$1" >/dev/null 2>&1; }

echo "ipclab doctor: why a trace would be empty or missing (build: $build)"

# ---- 1. lttng-ust's development files, as make looks for them ------------
ust_found=0
if ! have pkg-config; then
    problem "pkg-config not found"
    say "make cannot find lttng-ust without it, so it compiles tracing out"
    fix "${sudo}apt-get install -y pkg-config liblttng-ust-dev && $make_cmd"
elif pkg-config --exists lttng-ust 2>/dev/null; then
    ust_found=1
    ok "lttng-ust $(pkg-config --modversion lttng-ust 2>/dev/null)" \
       "development files (pkg-config lttng-ust)"
else
    problem "lttng-ust development files not found (pkg-config lttng-ust)"
    say "without them the programs build with no tracepoints"
    fix "${sudo}apt-get install -y liblttng-ust-dev && $make_cmd"
fi

# ---- 2. the build: tracepoints compiled in? --------------------------------
# Does program $1 carry the ipclab provider? nm sees the provider's symbols;
# a stripped binary still names lttng-ust's probe registration.
has_provider() {
    if have nm && nm "$1" 2>/dev/null | grep -q 'ipclab___'; then
        return 0
    fi
    if have strings; then
        strings "$1" 2>/dev/null |
            grep -Eq 'tp_provider_strtab_ipclab|lttng_ust_probe_register'
        return
    fi
    grep -q 'lttng_ust_probe_register' "$1" 2>/dev/null
}

server="$build/bin/ipclab-server"
tracing=$(cat "$build/.tracing" 2>/dev/null)
if [ -z "$tracing" ] && [ ! -e "$server" ]; then
    note "nothing built yet in '$build' ('make trace' builds it first)"
elif [ "$tracing" = 0 ]; then
    problem "tracepoints compiled out: '$build/.tracing' contains 0"
    if [ $ust_found = 1 ]; then
        say "lttng-ust is installed now: rebuilding compiles them in"
        fix "$make_cmd"
    else
        fix "install liblttng-ust-dev (above), then: $make_cmd"
    fi
elif [ ! -e "$server" ]; then
    note "'$server' not built yet ('make trace' builds it first)"
elif ! has_provider "$server"; then
    problem "'$server' lacks the ipclab tracepoint provider"
    say "nm and strings find no ipclab probes: a stale or foreign build"
    fix "$make_cmd clean && $make_cmd"
else
    ok "tracepoints compiled in (ipclab-server has the ipclab probes)"
fi

# ---- 3. the LTTng tools ----------------------------------------------------
tools_ok=1
for tool in lttng lttng-sessiond; do
    if ! have "$tool"; then
        problem "'$tool' not found: nothing can record a trace"
        fix "${sudo}apt-get install -y lttng-tools"
        tools_ok=0
    fi
done
if [ $tools_ok = 1 ]; then
    version=$(lttng --version 2>/dev/null |
              sed -n 's/.* \([0-9][0-9.]*\).*/\1/p')
    ok "lttng ${version:-(version unknown)} and lttng-sessiond installed"
fi

# ---- 4. a session daemon ---------------------------------------------------
sessions=""
if [ $tools_ok = 1 ]; then
    if sessions=$(lttng list 2>/dev/null); then
        ok "a session daemon is running"
    else
        sessions=""
        note "no session daemon running"
        say "record.sh and 'make trace' start a private one; by hand:"
        run "lttng-sessiond --daemonize"
    fi
fi

# ---- 5. which session daemon a recording uses -----------------------------
# lttng talks to root's session daemon as root, and as a member of the
# 'tracing' group while root's runs; to the user's own one otherwise.
rundir=${IPCLAB_LTTNG_RUNDIR:-/var/run/lttng}
root_daemon=0
[ -S "$rundir/client-lttng-sessiond" ] && root_daemon=1
uses_root=0
if [ "$uid" = 0 ]; then
    uses_root=1
    ok "root: recordings use root's session daemon ($rundir)"
elif id -nG 2>/dev/null | grep -qw tracing && [ $root_daemon = 1 ]; then
    uses_root=1
    ok "in the 'tracing' group: recordings use root's session daemon" \
       "($rundir)"
else
    ok "recordings use your own session daemon (record.sh starts one if" \
       "none runs)"
    say "it sees only your programs"
fi
if [ $uses_root = 1 ]; then
    say "it hears every user's ipclab programs: record.sh records only"
    say "your uid's (lttng track --vuid) and ipclab-trace shows only the"
    say "recorded command's processes (record.info; --all: everything)"
fi

# ---- 6. LTTNG_HOME ---------------------------------------------------------
# Only a per-user session daemon and its programs use it.
if [ $uses_root = 1 ]; then
    home_finding=note
    home_why="root's session daemon does not use it: recordings work"
else
    home_finding=problem
    home_why=""
fi
if [ -z "${LTTNG_HOME:-}" ] && [ $uses_root = 1 ]; then
    ok "LTTNG_HOME unset (root's session daemon does not use it)"
elif [ -z "${LTTNG_HOME:-}" ]; then
    if ! { [ -d "${HOME:-}" ] && [ -w "${HOME:-}" ]; }; then
        problem "LTTNG_HOME is unset and HOME ('${HOME:-}') is not writable"
        say "lttng has nowhere to keep its sockets"
        fix "export LTTNG_HOME=\$(mktemp -d)"
    else
        ok "LTTNG_HOME unset (lttng uses \$HOME/.lttng)"
    fi
elif [ ! -d "$LTTNG_HOME" ]; then
    $home_finding "LTTNG_HOME='$LTTNG_HOME' does not exist"
    say "${home_why:-lttng-sessiond cannot start there, and programs find no daemon}"
    fix "unset LTTNG_HOME    (or: mkdir -p '$LTTNG_HOME')"
elif [ ! -w "$LTTNG_HOME" ]; then
    $home_finding "LTTNG_HOME='$LTTNG_HOME' is not writable"
    say "${home_why:-lttng cannot create its sockets there}"
    fix "unset LTTNG_HOME"
else
    ok "LTTNG_HOME='$LTTNG_HOME' is a writable directory"
    say "programs register only with a daemon that uses the same one"
fi

# ---- 7. sessions already running -------------------------------------------
# 'lttng list' shows "  1) NAME [active]" per session; 'lttng list NAME'
# shows its event rules, e.g. "ipclab:* (type: tracepoint) [enabled]".
if [ -n "$sessions" ]; then
    names=$(printf '%s\n' "$sessions" |
            sed -n 's/^ *[0-9][0-9]*) \([^ ]*\) \[\([a-z]*\)\].*/\1 \2/p')
    without=0
    while read -r name state; do
        [ -n "$name" ] || continue
        if lttng list "$name" 2>/dev/null |
                grep -Eq '^ *(ipclab:[^ ]*|\*) .*\[enabled\]'; then
            [ "$state" = active ] || continue
            note "session '$name' is already recording ipclab events"
            say "its trace gets your programs' events too; record.sh makes"
            say "its own session, which records them as well"
            continue
        fi
        without=$((without + 1))
        if [ "$state" = active ]; then
            problem "session '$name' is recording but enables no ipclab event"
            say "its trace will be empty"
        else
            note "session '$name' enables no ipclab event (if it is yours):"
        fi
        fix "lttng enable-event --userspace 'ipclab:*' --session=$name"
    done <<EOF
$names
EOF
    [ $without -gt 0 ] || ok "no recording session without ipclab events"
fi

# ---- 8. the kit's lock and runtime directories -----------------------------
. "$(dirname "$0")/lib/lock.sh"
lock_dir=$(ipclab_lock_dir)
# the server's runtime directory, chosen as ipc_rundir_resolve() does: it
# takes $XDG_RUNTIME_DIR/ipclab whoever owns XDG_RUNTIME_DIR (a 'su' keeps
# the caller's), where the lock falls back to /tmp/ipclab-UID
if [ -n "${IPCLAB_DIR:-}" ]; then
    run_dir=$IPCLAB_DIR
else
    case "${XDG_RUNTIME_DIR:-}" in
    /*) run_dir=$XDG_RUNTIME_DIR/ipclab ;;
    *)  run_dir=/tmp/ipclab-$uid ;;
    esac
fi
for d in "$lock_dir" "$run_dir"; do
    if [ "$d" = "$run_dir" ] && [ "$d" = "$lock_dir" ]; then
        what="lock and runtime directory"
        [ "${done_dir:-}" != "$d" ] || continue
    elif [ "$d" = "$lock_dir" ]; then
        what="lock directory"
    else
        what="runtime directory"
    fi
    done_dir=$d
    why=$(ipclab_dir_problem "$d") && st=0 || st=$?
    parent=$(dirname "$d")
    if [ $st = 2 ] && { [ ! -d "$parent" ] || [ ! -w "$parent" ]; }; then
        st=1
        why="it cannot be created: '$parent' is not a directory you can"
        why="$why write to"
    fi
    case $st in
    0) ok "the kit's $what '$d' is yours" ;;
    2) ok "the kit's $what '$d' does not exist yet (made 0700 when needed)" ;;
    *) problem "the kit's $what '$d': $why"
       case $what in
       *and*) say "record.sh, the tests, grading and ipclab-server refuse" \
                  "it: nothing runs" ;;
       lock*) say "record.sh, the tests and grading refuse it: nothing runs" ;;
       *) say "ipclab-server refuses it (unless given --dir)" ;;
       esac
       case $what in lock*)
           fix "export IPCLAB_LOCK_DIR=\$HOME/.ipclab-lock  (a directory" \
               "of yours)" ;;
       esac
       case $what in *runtime*)
           fix "export IPCLAB_DIR=\$HOME/.ipclab-run  (a directory of yours)"
       esac ;;
    esac
done
# a held lock: record.sh waits for it, and says so
if [ -f "$lock_dir/kit.lock" ] && have flock &&
   ! flock -n "$lock_dir/kit.lock" true 2>/dev/null; then
    note "your kit lock is held by: $(cat "$lock_dir/kit.lock" 2>/dev/null)"
    say "record.sh, the tests and grading wait for it ($lock_dir/kit.lock)"
fi

echo
if [ $problems -eq 0 ]; then
    echo "OK: tracing will work: make trace  (or: traces/record.sh -- COMMAND)"
    exit 0
fi
if [ $problems -eq 1 ]; then
    echo "1 problem: fix it, then run 'make doctor' again"
else
    echo "$problems problems: fix them from the top, then run" \
         "'make doctor' again"
fi
echo "(docs/troubleshooting.md explains each one)"
exit 1
