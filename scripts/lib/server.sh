# scripts/lib/server.sh - a private work directory; start an ipclab-server
# and wait for its "ready:" line, stop it, and start clients that send
# together. Sourced by the scripts that run a server (scripts/workload.sh,
# load.sh, soak.sh, memcheck.sh, traces/samples/workload.sh) and by the
# workloads the exercise grader writes. Not a program: source it with
# '. scripts/lib/server.sh'.
# The C programs do the same with ipc_server_start() (include/ipclab/proc.h).
#
# Every wait is on a condition, bounded by $IPCLAB_READY_S seconds (60 if
# unset): a server that dies ends its pipe with EOF, one that hangs runs
# into the bound.

# start_server WORK OUT ERR COMMAND [ARG...]
#   Start COMMAND (an ipclab-server, or valgrind ... ipclab-server ...) in
#   the background, stdin /dev/null, stdout on the FIFO WORK/server.pipe,
#   stderr into the file ERR ("-": ours), and wait for its first line,
#   which must be "ready: DIR". Then server_pid is its pid, server_ready
#   that line, and the rest of its stdout goes on into the file OUT.
#   Otherwise: one line on stderr, the server killed and reaped, status 1.
start_server() {
    _ss_work=$1 _ss_out=$2 _ss_err=$3
    shift 3
    rm -f "$_ss_work/server.pipe"
    mkfifo "$_ss_work/server.pipe" || return 1
    if [ "$_ss_err" = - ]; then
        "$@" </dev/null >"$_ss_work/server.pipe" &
    else
        "$@" </dev/null >"$_ss_work/server.pipe" 2>"$_ss_err" &
    fi
    server_pid=$!
    exec 3<"$_ss_work/server.pipe"
    rm -f "$_ss_work/server.pipe"       # open at both ends: name not needed
    # a shell reads a pipe byte by byte: nothing after the line is taken
    server_ready=$(timeout "${IPCLAB_READY_S:-60}" \
        sh -c 'IFS= read -r line && printf "%s\n" "$line"' <&3) ||
        server_ready=""
    case $server_ready in
    "ready: "*)
        cat <&3 >"$_ss_out" &
        server_cat_pid=$!
        exec 3<&-
        return 0 ;;
    esac
    exec 3<&-
    echo "${0##*/}: the server did not start${server_ready:+ (it said:" \
         "$server_ready)}" >&2
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    return 1
}

# server_workdir TAG [keep]
#   A fresh private directory ${TMPDIR:-/tmp}/ipclab-TAG.XXXXXX into $work,
#   and a trap that stops the server and removes $work when the script
#   ends, however it ends (with 'keep': kept when the script failed, for
#   its logs). The script's exit status stays its own.
server_workdir() {
    work=$(mktemp -d "${TMPDIR:-/tmp}/ipclab-$1.XXXXXX") || exit 1
    _sw_keep=${2:-}
    trap _server_cleanup EXIT INT TERM
}

_server_cleanup() {
    _sw_status=$?
    stop_server || true
    if [ -z "$_sw_keep" ] || [ "$_sw_status" -eq 0 ]; then
        rm -rf "$work"
    fi
    exit $_sw_status
}

# stop_server
#   Stop the server start_server() started with SIGINT and wait for it and
#   for the rest of its stdout. Returns its exit status; 0 when none runs.
stop_server() {
    [ -n "${server_pid:-}" ] || return 0
    kill -INT "$server_pid" 2>/dev/null || true
    _ss_status=0
    wait "$server_pid" || _ss_status=$?
    server_pid=""
    [ -z "${server_cat_pid:-}" ] || wait "$server_cat_pid" || true
    server_cat_pid=""
    return $_ss_status
}

# The gate: a traced process takes longer to start than a client takes to
# send a few requests, so clients started one after the other would never
# meet in the server. Each client reads its requests from a FIFO of its
# own (ipclab-rc --file FIFO), and its open() of that FIFO blocks until a
# writer comes. release_clients opens each FIFO for writing, which returns
# once that client is up and waiting, and writes the requests only when
# every client is: then all of them send at the same moment.

# gated_client FIFO OUT COMMAND [ARG...]
#   Make FIFO and start COMMAND in the background, its stdout and stderr
#   into the file OUT; COMMAND reads its input from FIFO. Its pid is added
#   to gated_pids. When COMMAND cannot be run (status 126 or 127: it never
#   opened FIFO) its subshell reads FIFO in its place, so that
#   release_clients does not wait for it; the exit status tells.
gated_client() {
    _gc_fifo=$1 _gc_out=$2
    shift 2
    rm -f "$_gc_fifo"
    mkfifo "$_gc_fifo" || return 1
    ( status=0
      "$@" >"$_gc_out" 2>&1 || status=$?
      case $status in 126|127) cat "$_gc_fifo" >/dev/null ;; esac
      exit $status ) &
    gated_pids="${gated_pids:-} $!"
}

# release_clients FIFO TEXT [FIFO TEXT]...
#   Once every client has opened its FIFO, write each TEXT and a newline
#   into its FIFO, one right after the other, and close them all. At most
#   seven clients. Status 1 when a client was gone (EPIPE: a write failed)
#   or the time ran out.
release_clients() {
    if [ $# -gt 14 ] || [ $(($# % 2)) -ne 0 ]; then
        echo "release_clients: FIFO TEXT pairs, seven at most" >&2
        return 1
    fi
    timeout "${IPCLAB_READY_S:-60}" sh -c '
        trap "" PIPE            # a client gone: a failed write, not death
        fd=3
        while [ $# -ge 2 ]; do
            eval "exec $fd>\"\$1\"" || exit 1
            eval "text$fd=\$2"
            fd=$((fd + 1))
            shift 2
        done
        status=0 i=3
        while [ $i -lt $fd ]; do
            eval "printf \"%s\\n\" \"\$text$i\" >&$i" || status=1
            i=$((i + 1))
        done
        exit $status' release_clients "$@"
}

# run_clients RC DIR WINDOW NAME TEXT [NAME TEXT]...
#   One client per NAME, 'RC --dir DIR --window WINDOW --file $work/NAME.in',
#   all released together with their TEXT (the gate above); then wait for
#   each and print its output, every line prefixed "NAME: ". Status 1 when
#   a client failed or could not be released.
run_clients() {
    _rc_rc=$1 _rc_dir=$2 _rc_window=$3
    shift 3
    gated_pids="" _rc_n=$# _rc_status=0
    while [ "$_rc_n" -gt 0 ]; do        # NAME TEXT becomes FIFO TEXT
        gated_client "$work/$1.in" "$work/$1.out" "$_rc_rc" --dir "$_rc_dir" \
            --window "$_rc_window" --file "$work/$1.in"
        set -- "$@" "$work/$1.in" "$2"
        shift 2
        _rc_n=$((_rc_n - 2))
    done
    release_clients "$@" || _rc_status=1
    for _rc_pid in $gated_pids; do
        wait "$_rc_pid" || _rc_status=1
        _rc_name=${1##*/}
        _rc_name=${_rc_name%.in}
        sed "s/^/$_rc_name: /" "$work/$_rc_name.out"
        shift 2
    done
    return $_rc_status
}
