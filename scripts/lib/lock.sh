# scripts/lib/lock.sh - the kit's per-user lock, sourced by traces/record.sh,
# scripts/run-tests.sh and scripts/grade.sh (scripts/doctor.sh uses its
# directory logic). Not a program: '. scripts/lib/lock.sh'.
#
# One recording, test run or grading at a time per user: they start real
# servers and record their own processes, and two of them at once would
# see each other. The lock is per user, never at a fixed shared path that
# another user could create first:
#
#   $IPCLAB_LOCK_DIR, else $XDG_RUNTIME_DIR/ipclab when XDG_RUNTIME_DIR is
#   a directory of ours, else /tmp/ipclab-UID  (usually the server's
#   default runtime directory too, include/ipclab/rundir.h; not after
#   'su', whose XDG_RUNTIME_DIR is the caller's, which the server takes)
#
# The directory is created 0700 and refused when it is a symlink, not a
# directory, owned by another user, or writable by group or others. Inside
# it, 'kit.lock' is held with flock(1) on fd 9; its text names the holder,
# "PID COMMAND". IPCLAB_TESTS_LOCKED=1 means an ancestor holds the lock.

# Print the lock directory (it may not exist yet).
ipclab_lock_dir() {
    if [ -n "${IPCLAB_LOCK_DIR:-}" ]; then
        printf '%s\n' "$IPCLAB_LOCK_DIR"
    elif [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -d "$XDG_RUNTIME_DIR" ] &&
         [ ! -L "$XDG_RUNTIME_DIR" ] &&
         [ "$(stat -c %u "$XDG_RUNTIME_DIR" 2>/dev/null)" = "$(id -u)" ]; then
        printf '%s/ipclab\n' "$XDG_RUNTIME_DIR"
    else
        printf '/tmp/ipclab-%s\n' "$(id -u)"
    fi
}

# Is DIR safe to keep our lock in? Prints why not ("it is ...", to follow
# the path in a message) and returns 1; returns 2 when it does not exist.
ipclab_dir_problem() {
    if [ -L "$1" ]; then
        echo "it is a symbolic link"; return 1
    elif [ ! -e "$1" ]; then
        return 2
    elif [ ! -d "$1" ]; then
        echo "it is not a directory"; return 1
    fi
    set -- "$1" "$(stat -c '%u %a' "$1" 2>/dev/null)"
    if [ "${2%% *}" != "$(id -u)" ]; then
        echo "it belongs to uid ${2%% *}, not to you (uid $(id -u))"
        return 1
    fi
    case "${2#* }" in
    *[2367]?|*[2367]) echo "it is writable by group or others" \
                           "(mode ${2#* })"; return 1 ;;
    esac
    return 0
}

# ipclab_lock PROG WHAT TIMEOUT: take the lock on fd 9 for PROG (the name
# its messages start with), which is doing WHAT, waiting up to TIMEOUT
# seconds; says at once whom it waits for. Exits 1 with the reason when
# the directory is unsafe or the wait runs out. Sets IPCLAB_TESTS_LOCKED=1
# for the children. Does nothing when an ancestor holds the lock.
ipclab_lock() {
    [ "${IPCLAB_TESTS_LOCKED:-0}" != 1 ] || return 0
    _l_dir=$(ipclab_lock_dir)
    _l_why=$(ipclab_dir_problem "$_l_dir") && _l_st=0 || _l_st=$?
    case $_l_st in
    1) echo "$1: cannot keep the lock in '$_l_dir': $_l_why;" \
            "set IPCLAB_LOCK_DIR to a directory of yours" \
            "(docs/troubleshooting.md)" >&2
       exit 1 ;;
    2) (umask 077 && mkdir "$_l_dir") 2>/dev/null
       if _l_why=$(ipclab_dir_problem "$_l_dir"); then :; else
           echo "$1: cannot create the lock directory '$_l_dir'${_l_why:+: $_l_why}" >&2
           exit 1
       fi ;;
    esac
    _l_file="$_l_dir/kit.lock"
    if ! exec 9>>"$_l_file"; then
        echo "$1: cannot open the lock '$_l_file'" >&2
        exit 1
    fi
    if ! flock -n 9; then
        _l_holder=$(cat "$_l_file" 2>/dev/null)
        if [ -n "$_l_holder" ]; then
            _l_see="ps -o pid,args -p ${_l_holder%% *}"
        else
            _l_see="lslocks -o PID,COMMAND,PATH"
        fi
        echo "$1: waiting for ${_l_holder:-another run} (it holds" \
             "$_l_file; see it with: $_l_see)..." >&2
        if ! flock -w "$3" 9; then
            echo "$1: ${_l_holder:-another run} still holds $_l_file" \
                 "after $3 s: giving up" >&2
            exit 1
        fi
    fi
    printf '%s %s\n' "$$" "$2" >"$_l_file"
    IPCLAB_TESTS_LOCKED=1
    export IPCLAB_TESTS_LOCKED
}
