#!/bin/sh
# scripts/grade.sh - grade the exercises; 'make grade' runs it.
#
#   scripts/grade.sh [--build DIR] [--out DIR] [--ex 01,03] [--solution]
#                    [--tests 'NAME...'] [--hidden DIR | --hidden-from-env]
#
# First build every exercise (a compile error costs that exercise only)
# and list its graded tests; then run each test as a process of its own,
# its timeout scaled so that the whole grading, builds included, fits in
# GRADE_BUDGET seconds (default 540; every limit multiplied by
# CK_TIMEOUT_MULTIPLIER, Check's own factor for a slower build such as
# 'make sanitize'). Print a table per exercise and the total, and write
# into the output directory (with jq, or fail with exit status 1):
#
#   results.json   Gradescope's format: score, max_score, output (the
#                  table but the hidden tests), tests
#                  [{name, score, max_score, status, output, visibility}]
#   results.tap    TAP version 13, one line per test
#   log/           each test's output (the first 64 KiB, every byte that
#                  is not printable ASCII as \xNN) and each build's
#
# A test's verdict comes from its grading program on a descriptor of its
# own, never from the output; code that could reach the grader's memory
# (reach_rules) scores 0. As root, the student's code compiles and runs
# as a uid of its own (GRADE_USER, default a free one in 61000-61999),
# limited and killed after each test; GRADE_USER=root keeps root; an
# ordinary user's table says which protections are lost
# (docs/instructor.md, Isolation).
# Hidden tests (--hidden DIR, or --hidden-from-env: $GRADE_HIDDEN_DIR,
# which no other process can read) are DIR/NN/*.c, compiled into
# exercise NN's tests, and DIR/NN/*.sh scripts: see docs/instructor.md.
#
# --tests grades only the tests named (in every exercise selected); a
# name none of them has is a usage error, even when their tests do not
# compile. --ex and --tests given twice add up; --build, --out and
# --hidden (or --hidden-from-env), given twice, are a usage error.
#
# Exit status: 0 when grading ran (whatever the score); with --solution,
# 0 only for full marks; 2 on usage errors; 1 when the kit cannot build
# or the results cannot be written.
set -u
. "$(dirname "$0")/lib/help.sh"

build=build
out=""
only=""
tests=""
solution=0
hidden=""
once=""
usage() {
    sed -n '3,5s/^# \{0,1\}//p' "$0" >&2
    exit 2
}
# words OPTION VALUE: VALUE's comma-separated names into $w; none, or a
# pattern (the shell would expand it), is a usage error
words() {
    w=$(printf '%s\n' "$2" | tr ',' ' ')
    case $2 in *[*?[]*)
        echo "grade.sh: $1 '$2': names, not patterns" >&2; exit 2 ;; esac
    case $w in *[!\ ]*) ;; *)
        echo "grade.sh: $1 '$2' names nothing" >&2; exit 2 ;; esac
}
while [ $# -gt 0 ]; do
    # an empty value (an unset variable) would grade elsewhere, or less
    case "$1" in --build|--out|--ex|--tests|--hidden)
        [ $# -ge 2 ] || usage
        [ -n "$2" ] || { echo "grade.sh: $1 '' names nothing" >&2; exit 2; }
    esac
    # one place each: a second would silently replace the first
    case "$1" in --build|--out|--hidden*)
        case "$once " in *" ${1%-from-env} "*)
            echo "grade.sh: $1: ${1%-from-env} given twice (only --ex" \
                "and --tests add up)" >&2; exit 2 ;; esac
        once="$once ${1%-from-env}"
    esac
    case "$1" in
    --build) build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --ex) words "$1" "$2"; only="$only $w"; shift 2 ;;
    --solution) solution=1; shift ;;
    --tests) words "$1" "$2"; tests="$tests $w"; shift 2 ;;
    --hidden) hidden=$2; shift 2 ;;
    --hidden-from-env) hidden=${GRADE_HIDDEN_DIR:-}; shift
        [ -n "$hidden" ] || { echo "grade.sh: --hidden-from-env:" \
            "GRADE_HIDDEN_DIR is not set" >&2; exit 2; } ;;
    -h|--help) script_help "$1" ;;
    *) echo "grade.sh: unknown option '$1'" >&2; usage ;;
    esac
done
tests=$(printf '%s\n' "$tests" | sed 's/^ *//; s/ *$//; s/  */ /g')
[ -f Makefile ] && [ -d exercises ] || {
    echo "grade.sh: run me from the kit's top directory" >&2; exit 2; }
[ -n "$out" ] || out="$build/grade-results"
# a mistyped exercise ends here, the earlier results left as they are
. scripts/lib/exercises.sh
select_exercises grade.sh $only
[ -z "$hidden" ] || [ -d "$hidden" ] || {
    echo "grade.sh: hidden tests: '$hidden' is not a directory" >&2; exit 2; }
[ -z "$hidden" ] || check_hidden grade.sh "$hidden"
# absolute: the plan tells a hidden script from a C test by its leading /
[ -z "$hidden" ] || hidden=$(cd "$hidden" && pwd) || exit 1
# a slower build or machine: Check's factor scales every limit below
scale=${CK_TIMEOUT_MULTIPLIER:-1}
for v in "CK_TIMEOUT_MULTIPLIER=$scale" "GRADE_BUDGET=${GRADE_BUDGET:-540}"
do
    case "${v#*=}" in
    ''|*[!0-9]*|0) echo "grade.sh: ${v%%=*} must be a whole number of at" \
                        "least 1, not '${v#*=}'" >&2; exit 2 ;;
    esac
done
for tool in jq perl setpriv prlimit findmnt unshare readelf objdump; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "grade.sh: '$tool' is missing (make deps installs it)" >&2
        exit 1; }
done
MAKE=${MAKE:-make}
suffix=""
[ "$solution" = 1 ] && suffix="-solution"

# One grading at a time per user, and never beside that user's 'make
# check': the tests start servers and record them (scripts/lib/lock.sh).
. scripts/lib/lock.sh
ipclab_lock grade.sh "grade.sh $*" 1800
start=$(date +%s)               # the time taken, not the wait for the lock

work=$(mktemp -d "${TMPDIR:-/tmp}/ipclab-grade.XXXXXX") || {
    echo "grade.sh: cannot create a temporary directory" >&2; exit 1; }
cgroups=""
cg_enter=""                     # a script that enters them (see below)
ooms=0                          # the kills by the memory limit so far
cg_drop() {                     # remove the tests' control groups
    for d in $cgroups; do
        # the processes just killed may take a moment to go
        tries=50
        until rmdir "$d" 2>/dev/null; do
            tries=$((tries - 1))
            [ $tries -gt 0 ] || {
                echo "grade.sh: cannot remove the control group '$d'" >&2
                break; }
            sleep 0.1
        done
    done
    cgroups=""
}
cg_ooms() {                     # how many processes the memory limit killed
    for d in $cgroups; do
        cat "$d/memory.events" "$d/memory.oom_control" 2>/dev/null
    done | awk '$1 == "oom_kill" { n += $2 } END { print n + 0 }'
}
cleanup() {
    [ -z "$test_uid" ] || { end_uid; forget_uid; cg_drop; }
    rm -rf "$work"
}
test_uid=""
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
# what only the grader reads and writes: verdicts, raw output, the rows
private="$work/private"
mkdir -m 0700 "$private" || {
    echo "grade.sh: cannot create '$private'" >&2; exit 1; }
# Fields apart with the unit separator: tabs would make read(1) merge
# empty fields; one_line() leaves no control character in a field.
us=$(printf '\037')
rows="$private/rows"            # ex, test, score, max, PASS/FAIL, reason,
: >"$rows"                      # description, log, visibility

# The world-writable directories of the local filesystems, where the
# tests' uid can leave files: listed once as root before any test.
ww_dirs="$private/world-writable"
list_world_writable() {
    findmnt -rn -o TARGET,FSTYPE | awk '$1 !~ /^\/(proc|sys)(\/|$)/ &&
        $2 !~ /^(proc|sysfs|cgroup2?|devpts|securityfs|debugfs|tracefs|pstore|bpf|configfs|fusectl|autofs|binfmt_misc|hugetlbfs|efivarfs|nfs4?|cifs|smb3|9p|fuse(\..*)?)$/ {
            print $1 }' | sort -u | while IFS= read -r m; do
        find "$m" -xdev -type d -perm -0002 2>/dev/null
    done | sort -u >"$ww_dirs"
}

# End every process of the tests' uid (kill(-1) as that uid), and remove
# what it left in the world-writable directories.
end_uid() {
    $run_as kill -s KILL -- -1 2>/dev/null
    [ -f "$ww_dirs" ] && while IFS= read -r w; do
        find "$w" -mindepth 1 -maxdepth 1 -user "$test_uid" \
            -exec rm -rf {} + 2>/dev/null
    done <"$ww_dirs"
    return 0
}

# At the end: the System V IPC the tests' uid left, so that the next
# grading under that uid finds nothing (end_uid removed its files).
forget_uid() {
    $run_as ipcrm --all 2>/dev/null
    return 0
}

# the old results go once every usage error is ruled out (the tests'
# names too, known after the builds); a directory holding anything else
# is not ours
if [ -e "$out" ] && ! { [ -d "$out" ] && [ ! -L "$out" ] &&
        [ -z "$(find "$out" -mindepth 1 -maxdepth 1 ! -name log \
            ! -name results.json ! -name results.tap \
            ! -name results.json.tmp ! -name results.tap.tmp)" ]; }; then
    echo "grade.sh: '$out' is not an earlier grading's results: not" \
        "replaced (choose another GRADE_OUT, or remove it)" >&2
    exit 2
fi
logs="$private/log"             # the builds' logs, until $out is replaced
mkdir "$logs" || { echo "grade.sh: cannot create '$logs'" >&2; exit 1; }

# ---- who runs the tests ------------------------------------------------
# As root, the tests' processes switch to the tests' uid (the verdict's
# collector stays root), which reads only a staged copy of what they need.
run_as=""
stage="$PWD"
sbuild=$(mkdir -p "$build" && cd "$build" && pwd)   # what the tests see
note=""
if [ "$(id -u)" = 0 ] && [ "${GRADE_USER:-}" != root ]; then
    if [ -n "${GRADE_USER:-}" ]; then
        test_uid=$(id -u "$GRADE_USER" 2>/dev/null) || {
            echo "grade.sh: no user '$GRADE_USER' to run the tests as" >&2
            exit 1; }
    else
        # a uid unused by any account, group, process or other grading
        # (which holds a lock on it while it runs: fd 8, ours until exit)
        locks=/run/lock
        [ -d "$locks" ] || locks=/tmp
        for u in $(seq 61000 61999); do
            getent passwd "$u" >/dev/null || getent group "$u" >/dev/null ||
                [ -n "$(ps -o pid= -u "$u" 2>/dev/null)" ] && continue
            exec 8>"$locks/ipclab-grade-uid-$u.lock" || continue
            flock -n 8 && { test_uid=$u; break; }
        done
        [ -n "$test_uid" ] || { echo "grade.sh: no free uid in" \
            "61000-61999 for the tests (set GRADE_USER)" >&2; exit 1; }
    fi
    run_as="setpriv --reuid=$test_uid --regid=$test_uid --clear-groups --"
    # the instructor's material: no access for the tests' uid; the build
    # directories made now, so that a fresh build's are closed too
    mkdir -p "$build/solutions" "$build/grade" || {
        echo "grade.sh: cannot create '$build/grade'" >&2; exit 1; }
    for p in exercises/*/solution "$build/solutions" "$build/grade" \
             ${hidden:+"$hidden"}; do
        [ ! -e "$p" ] || chmod go-rwx "$p"
    done
    chmod 0755 "$work"
    stage="$work/stage"
    sbuild="$stage/build"       # the harness finds traces/ beside it
    mkdir -p "$sbuild/grade" "$stage/traces" "$stage/scripts/lib"
    cp -R "$build/bin" "$sbuild/"
    [ -d "$build/lib" ] && cp -R "$build/lib" "$sbuild/"
    cp "$build/.tracing" "$sbuild/" 2>/dev/null || true
    cp traces/record.sh "$stage/traces/"
    # the recorded workloads start their server with it (grader.c)
    cp scripts/lib/server.sh "$stage/scripts/lib/"
    chmod -R a+rX "$stage"
    chmod 0711 "$sbuild/grade"  # the grading programs: root's alone
    # else every test fails, the reference solutions' too
    $run_as test -x "$sbuild/bin" || { echo "grade.sh: the tests' uid" \
        "cannot enter '$work': set TMPDIR to a directory others may enter" >&2
        exit 2; }
elif [ "$(id -u)" = 0 ]; then
    note="NOTE: GRADE_USER=root: the student's code was compiled and ran \
as root, with none of the grader's protections (docs/instructor.md, \
Isolation)"
else
    note="NOTE: graded as uid $(id -u), not root: the student's code was \
compiled and ran as that user, so it could signal the grader, read what \
that user can read and write the results; no limit on its processes or \
their memory together, no removal of the files it left in /tmp and other \
shared directories (docs/instructor.md, Isolation)"
fi

# As root, the tests' uid compiles and runs where cover.sh has covered the
# checkout and its git directories with empty read-only tmpfs mounts.
hide=""
if [ -n "$test_uid" ]; then
    case "$work/" in
    "$PWD"/*) echo "grade.sh: the temporary directory '$work' is inside" \
        "the checkout, which the tests must not see (set TMPDIR)" >&2
        exit 1 ;;
    esac
    hide="$work/cover.sh"
    quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
    {
        echo '#!/bin/sh'
        echo '# grade.sh: run "$@" with the grading checkout covered'
        # a worktree's .git names its git directory, which names the
        # common one (commondir): both may lie outside the checkout
        gd=""
        [ -f .git ] && gd=$(sed -n 's/^gitdir: //p' .git | head -n 1)
        [ -z "$gd" ] || gd=$(cd "$gd" 2>/dev/null && pwd)
        common=""
        [ -n "$gd" ] && [ -f "$gd/commondir" ] &&
            common=$(cd "$gd" && cd "$(cat commondir)" 2>/dev/null && pwd)
        for c in "$gd" "$common" "$PWD"; do
            [ -n "$c" ] || continue
            echo "mount -t tmpfs -o ro,size=4k,mode=0555,nosuid,nodev,noexec" \
                "ipclab-hidden $(quote "$c") || exit 125"
        done
        echo 'exec "$@"'
    } >"$hide" && chmod 0755 "$hide" || {
        echo "grade.sh: cannot write '$hide'" >&2; exit 1; }
    if ! unshare --mount --propagation private -- "$hide" \
            test ! -e "$PWD/Makefile" 2>/dev/null; then
        hide=""
        note="NOTE: no private mount namespace here (unshare needs \
CAP_SYS_ADMIN): the tests' uid could read the checkout being graded, \
its solutions and .git included, where others may read \
(docs/instructor.md, Isolation)"
    fi
fi

# As root, a hidden script's programs (GRADE_PROG_DIR) each start in a
# user namespace of their own: no ptrace into the script, whose status is
# the verdict.
userns=""
if [ -n "$test_uid" ]; then
    if $run_as unshare --map-current-user true 2>/dev/null; then
        userns=1
    else
        note="${note:+$note; }NOTE: no user namespace for the tests' uid \
here: a program that a hidden script runs could write into the script's \
own processes, and so its verdict (docs/instructor.md, Isolation)"
    fi
fi

# A test's processes together: their memory (/dev/shm's too) and number
# bounded by control groups of their own (v2, else v1), entered by cg_enter.
cg_mem=$((1024 << 20))          # bytes for all of a test's processes
cg_pids=256
cg_make() {                     # PARENT-DIR [FILE VALUE]...: set each
    # those of gradings killed before their clean-up: empty, so removable
    for old in "$1"/ipclab-grade-*; do
        [ -d "$old" ] && ! kill -0 "${old##*-}" 2>/dev/null &&
            rmdir "$old" 2>/dev/null
    done
    d="$1/ipclab-grade-$$"
    shift
    mkdir "$d" 2>/dev/null || return 1
    cgroups="$cgroups $d"       # cg_drop removes it, limits set or not
    while [ $# -ge 2 ]; do
        [ -f "$d/$1" ] && echo "$2" >"$d/$1" 2>/dev/null || return 1
        shift 2
    done
}
cg_own() {                      # HIERARCHY ("" for v2): our cgroup's path
    awk -F: -v h="$1" '($2 == h) || (h == "" && $1 == "0") { print $3 }' \
        /proc/self/cgroup | head -n 1
}
if [ -n "$test_uid" ]; then
    fs=/sys/fs/cgroup
    v2=$fs
    [ -f "$v2/cgroup.controllers" ] || v2=$fs/unified
    if grep -qw memory "$v2/cgroup.controllers" 2>/dev/null &&
       grep -qw pids "$v2/cgroup.controllers" 2>/dev/null; then
        for parent in "$v2$(cg_own "")" "$v2"; do
            echo "+memory +pids" >"$parent/cgroup.subtree_control" \
                2>/dev/null
            cg_make "$parent" memory.max "$cg_mem" pids.max "$cg_pids" &&
                break
            cg_drop
        done
    fi
    if [ -z "$cgroups" ]; then
        cg_make "$fs/memory$(cg_own memory)" \
            memory.limit_in_bytes "$cg_mem" &&
            cg_make "$fs/pids$(cg_own pids)" pids.max "$cg_pids" || cg_drop
    fi
    if [ -n "$cgroups" ]; then
        cg_enter="$work/cg-enter.sh"
        {
            echo '#!/bin/sh'
            echo '# grade.sh: run "$@" in the tests'"'"' control groups'
            for d in $cgroups; do
                echo "echo \$\$ >'$d/cgroup.procs' || exit 125"
            done
            echo 'exec "$@"'
        } >"$cg_enter" && chmod 0755 "$cg_enter" || {
            echo "grade.sh: cannot write '$cg_enter'" >&2; exit 1; }
    else
        note="${note:+$note; }NOTE: no control group for the tests here: \
their processes' memory together is not limited (docs/instructor.md, \
Isolation)"
    fi
fi
[ -z "$note" ] || echo "grade: $note" >&2

[ -z "$test_uid" ] || list_world_writable || {
    echo "grade.sh: cannot list the world-writable directories" >&2; exit 1; }

# the tracepoint probes, which programs outside BUILD/bin cannot find
# beside them once staged (src/lib/tp_define.c)
tp_lib=""
[ -f "$sbuild/lib/libipclab-tp.so" ] && tp_lib="$sbuild/lib/libipclab-tp.so"

# A fresh temporary directory for one test, writable by whoever runs it.
new_tmp() {
    t=$(mktemp -d "$work/tmp.XXXXXX")
    [ -z "$test_uid" ] || chown "$test_uid:$test_uid" "$t"
    echo "$t"
}

# Make text safe for one field: printable ASCII, no tabs.
one_line() {
    tr -c '\40-\176' ' ' | sed 's/  */ /g; s/^ //; s/ $//' | cut -c1-300
}

# the arguments as one line, apart with the unit separator
fields() { (IFS=$us; printf '%s\n' "$*"); }

# row EX TEST SCORE MAX STATUS REASON DESC LOG VISIBILITY
row() {
    fields "$1" "$2" "$3" "$4" "$5" "$(printf '%s' "$6" | one_line)" \
        "$(printf '%s' "$7" | one_line)" "$8" "$9" >>"$rows"
}

# RAW's first 64 KiB into LOG, escaped as \xNN, then how much was not kept
keep_output() {         # RAW LOG
    perl -e '
        my ($raw, $log) = @ARGV;
        open(my $in, "<:raw", $raw) or die "$raw: $!\n";
        open(my $out, ">", $log) or die "$log: $!\n";
        my $n = read($in, my $buf, 65536);
        defined $n or die "$raw: $!\n";
        $buf =~ s/\\/\\\\/g;
        $buf =~ s/([^\t\n\x20-\x7e])/sprintf("\\x%02x", ord($1))/ge;
        print $out $buf;
        my $rest = (-s $raw) - $n;
        print $out "\n[grader: $rest more bytes of output not kept]\n"
            if $rest > 0;
        close($out) or die "$log: $!\n";' "$1" "$2" || {
        echo "grade.sh: cannot keep the output of a test in $2" >&2
        exit 1; }
    rm -f "$1"
}

# perl -e "$only_fds" FIRST COMMAND...: run COMMAND with every descriptor
# from FIRST up closed: a test inherits none of ours, nor make's
only_fds='use POSIX; my $first = shift; POSIX::close($_) for $first .. 1023;
exec { $ARGV[0] } @ARGV or die "$ARGV[0]: $!\n"'

# The verdict of a test: what its grading program wrote on the verdict
# descriptor ("PASS" or "FAIL: reason"), never what the test printed.
verdict_of() {          # VERDICT-FILE STATUS SECONDS-IT-RAN LIMIT
    line=$(head -n 1 "$1")
    case "$line" in
    PASS) echo PASS ;;
    "FAIL: "*) echo "${line#FAIL: }" ;;
    *)  killed_why "$2" "$3" "$4" ||
            echo "the grading program ended after $3 s without a verdict" \
                "(status $2): was it killed?" ;;
    esac
}

# Why a test was killed from outside (STATUS: timeout's 124, or 137 for
# SIGKILL), or status 1 when it was not.
killed_why() {          # STATUS SECONDS-IT-RAN LIMIT
    if [ "$(cg_ooms)" -gt "$ooms" ]; then
        echo "out of memory: the test's processes together used more" \
            "than $((cg_mem >> 20)) MiB (files in /dev/shm count) and the" \
            "kernel killed one"
    elif [ "$1" = 124 ] || { [ "$1" = 137 ] && [ "$2" -ge "$3" ]; }; then
        echo "timed out: the test did not end within $3 s"
    elif [ "$1" = 137 ]; then
        echo "killed by SIGKILL after $2 s, before its $3 s limit"
    else
        return 1
    fi
}

# ---- the exercises ($exercises: select_exercises above) ----------------

# perl -e "$fn_code" OBJ FN: the code of FN in OBJ and of every function
# of OBJ it calls, in a text that the same source and compiler give
# whatever else OBJ holds (targets and relocations by name or bytes).
fn_code='use strict; use warnings;
my ($obj, $fn) = @ARGV;
sub lines_of {
    open(my $p, "-|", @_) or die "$_[0]: $!\n";
    my @l = <$p>;
    close($p) or die "$_[0] failed on $obj\n";
    return @l;
}
my (%sec, @secs);
for (lines_of("readelf", "-SW", $obj)) {
    next unless /^\s*\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+\S+\s*(\S*)/;
    my %s = (idx => $1, name => $2, type => $3, off => hex($5),
             size => hex($6), flags => $7);
    $secs[$1] = $sec{$2} = \%s;
}
my (%sym, @objs);
for (lines_of("readelf", "-sW", $obj)) {
    next unless /^\s*\d+:\s+([0-9a-f]+)\s+(\d+)\s+(\S+)\s+(\S+)\s+\S+\s+(\S+)\s*(\S*)$/;
    my %y = (value => hex($1), size => $2, type => $3, bind => $4,
             ndx => $5, name => $6);
    $sym{$6} = \%y if $6 ne "";
    push @objs, \%y if $3 eq "FUNC" || $3 eq "OBJECT";
}
# the code of every function, by the objdump -d -r -w lines
my (%code, $cur);
for (lines_of(qw(objdump -d -r -w --no-show-raw-insn), $obj)) {
    chomp;
    if (/^[0-9a-f]+ <(.+)>:$/) { $cur = $1; $code{$cur} = []; next }
    push @{$code{$cur}}, $_ if defined $cur && /^\s*[0-9a-f]+:\t/;
}
# what a symbol with offset names: the object or function it falls in
sub in_sym {
    my ($ndx, $at) = @_;
    for my $y (@objs) {
        next unless $y->{ndx} eq $ndx && $at >= $y->{value} &&
            $at < $y->{value} + ($y->{size} || 1);
        return ($y, $at - $y->{value});
    }
    return ();
}
my @todo = ($fn); my %seen = ($fn => 1); my @out;
sub name_ref {
    my ($self, $start, $name, $off) = @_;
    return sprintf(".+%x", $off) if $name eq $self;
    my $y = $sym{$name};
    if ($y && $y->{type} eq "FUNC" && $y->{ndx} =~ /^\d+$/) {
        push @todo, $name unless $seen{$name}++;
    }
    # a constant of this object: what it holds, not its numbered name
    return "ro:" . bytes_at($secs[$y->{ndx}], $y->{value} + $off)
        if $y && $y->{bind} eq "LOCAL" && $y->{type} eq "OBJECT" &&
           $secs[$y->{ndx}] && $secs[$y->{ndx}]{flags} !~ /W/;
    $name =~ s/\.[0-9]+$// if $y && $y->{bind} eq "LOCAL";
    my $kind = !$y ? "none" : $y->{ndx} eq "UND" ? "und"
        : "$y->{bind}/$y->{type}/$y->{size}";
    return sprintf("<%s+%x %s>", $name, $off, $kind);
}
sub code_ref {
    my ($self, $y, $at) = @_;
    return sprintf(".+%x", $at - $y->{value})
        if $at >= $y->{value} && $at <= $y->{value} + $y->{size};
    my ($o, $d) = in_sym($y->{ndx}, $at);
    return $o ? name_ref($self, $y->{value}, $o->{name}, $d) : "<?>";
}
sub bytes_at {
    my ($s, $at) = @_;
    return "nobits" if $s->{type} eq "NOBITS" || $at >= $s->{size};
    open(my $f, "<:raw", $obj) or die "$obj: $!\n";
    seek($f, $s->{off} + $at, 0);
    my $n = $s->{size} - $at; $n = 256 if $n > 256;
    read($f, my $b, $n); close($f);
    $b =~ s/\0.*//s;
    return q{"} . unpack("H*", $b) . q{"};
}
while (@todo) {
    my $f = shift @todo;
    my $y = $sym{$f};
    my $lines = $code{$f};
    unless ($y && $lines) { push @out, "$f: no code"; next }
    my $start = $y->{value};
    my $end = $start + $y->{size};
    push @out, "== $f $y->{bind} $y->{size}";
    my @pending;
    my $flush = sub {
        my $next = shift;
        for my $r (@pending) {
            my ($off, $type, $t) = @$r;
            my ($name, $add) = ($t, 0);
            ($name, $add) = ($1, ($2 eq "-" ? -1 : 1) * hex($3))
                if $t =~ /^(.*?)([-+])0x([0-9a-f]+)$/;
            my $ty = $sym{$name};
            my $s = $sec{$name} ||
                ($ty && $ty->{name} =~ /^\./ && $ty->{type} eq "NOTYPE" &&
                 $secs[$ty->{ndx}]);
            my $what;
            # what the instruction reaches: a PC-relative field counts
            # from the end of its instruction
            $add += $next - $off if $type =~ /PC|PLT|GOTPCREL/;
            if ($s) {
                my $at = ($sec{$name} ? 0 : $ty->{value}) + $add;
                my ($o, $d) = in_sym($s->{idx}, $at);
                if ($o && $o->{name} ne "") {
                    $what = name_ref($f, $start, $o->{name}, $d);
                } elsif ($s->{flags} =~ /X/ && $at >= $start && $at < $end) {
                    $what = sprintf(".+%x", $at - $start);
                } else {
                    $what = "$s->{flags}:" . bytes_at($s, $at);
                }
            } else {
                $what = name_ref($f, $start, $name, $add);
            }
            push @out, sprintf("  %x: %s %s", $off - $start, $type, $what);
        }
        @pending = ();
    };
    for (@$lines) {
        my @parts = split /\t/;
        my ($addr) = $parts[0] =~ /([0-9a-f]+):/;
        my $at = hex($addr);
        if ($at < $start || $at >= $end) { next }
        $flush->($at);
        my $insn = $parts[1] // "";
        my $i = 2;
        # the operands of the instruction may hold a tab
        while ($i < @parts && $parts[$i] !~ /^[0-9a-f]+: R_/) {
            $insn .= " $parts[$i]"; $i++;
        }
        while ($i + 1 < @parts) {
            my ($roff) = $parts[$i] =~ /^([0-9a-f]+):/;
            my ($rtype) = $parts[$i] =~ /(R_\S+)/;
            push @pending, [hex($roff), $rtype, $parts[$i + 1]];
            $i += 2;
        }
        $insn =~ s/-?0x[0-9a-f]+\(%rip\)/(%rip)/g;
        # a target by its address: in this function or another
        $insn =~ s{\b([0-9a-f]+) <[^>]*>}{ code_ref($f, $y, hex($1)) }ge;
        $insn =~ s/\s+/ /g;
        push @out, sprintf("%x: %s", $at - $start, $insn);
    }
    $flush->($end);
}
print "$_\n" for @out;'
code_of() {             # OBJ FN
    perl -e "$fn_code" "$1" "$2"
}

# The first thing OBJ would run before or after main() in the grading
# program (an ifunc, an init/fini section, or a constructor whose code is
# not the same as REF's tracing registration or TEST-REF's), or nothing.
hooks_of() {            # OBJ REF [TEST-REF]
    { readelf -SW "$1" | sed -n 's/^ *\[ *\([0-9]*\)\] /S \1 /p'
      readelf -sW "$1" | awk '$1 ~ /^[0-9]+:$/ && $4 ~ /^I?FUNC$/ {
            print substr($4, 1, 1), $2, $7, $8 }'
      readelf -rW "$1" | awk '
            /^Relocation section / { s = $3; gsub(/\047/, "", s); next }
            s ~ /^\.rela?\.(init|fini)_array(\.[0-9]+)?$/ && $1 ~ /^[0-9a-f]+$/ {
                print "R", s, $5, ($6 == "+" ? $7 : 0) }'
    } | awk -v tests="${3:+1}" '
        function hex(h,   i, v) {
            v = 0; h = tolower(h); sub(/^0x/, "", h)
            for (i = 1; i <= length(h); i++)
                v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
            return v }
        $1 == "S" { name[$2] = $3
            if ($3 ~ /^\.(preinit_array|ctors|dtors)|^\.(init|fini)$/ ||
                $4 ~ /^(PREINIT_ARRAY|INIT_ARRAY|FINI_ARRAY)$/ &&
                $3 !~ /^\.(init|fini)_array(\.[0-9]+)?$/) {
                print "section " $3; exit }
            next }
        $1 == "I" { print "ifunc " $4; exit }
        $1 == "F" { fn[name[$3] "+" hex($2)] = $4; next }
        $1 == "R" { t = $3
            if (t ~ /^\./) t = fn[t "+" hex($4)]
            if (t ~ /^(_sub_[ID]_[0-9]+_[0-9]+|asan\.module_(ctor|dtor))$/ &&
                !seen[t]++) {
                print "sanitizer", t; next }
            if (tests && t ~ /^[A-Za-z_][A-Za-z0-9_]*_register$/ &&
                !seen[t]++) {
                print "test", t; next }
            if (t !~ /^lttng_ust__tracepoints__(init|destroy)$/ || seen[t]++) {
                print (t == "" ? "an entry of " $2 : t "()"); exit }
            print "check", t }' | while read -r what fn; do
        if [ "$what" = sanitizer ]; then
            # what a sanitized build adds (gcc merges the tracepoint header's
            # registration into it): the same as in the kit's own object
            ref=$(nm "$2" 2>/dev/null | awk -v f="$fn" '
                { p = f; if (p ~ /^_sub_/) sub(/_[0-9]+$/, "_", p) }
                $3 == f || (p != f && index($3, p) == 1) { print $3; exit }')
            code=$(code_of "$1" "$fn") || { echo "$fn()"; return; }
            # only the sanitizer's own calls, or the same as the kit's
            printf '%s\n' "$code" | grep -o '<[^+>]*' | cut -c2- |
                grep -qvE '^__(asan|ubsan|sanitizer)_[A-Za-z0-9_]*$' ||
                continue
            [ -n "$ref" ] && [ "$code" = "$(code_of "$2" "$ref")" ] || {
                echo "$fn()"; return; }
            continue
        fi
        if [ "$what" = test ]; then
            # a graded test's registration: the reference's, but its name
            code=$(code_of "$1" "$fn" |
                sed "s/<${fn%_register}_\([a-z]*\)+/<ipclab_ref_\1+/g;
                     s/^== ${fn%_register}_/== ipclab_ref_/") &&
                [ "$code" = "$(code_of "$3" ipclab_ref_register)" ] || {
                echo "$fn()"; return; }
            continue
        fi
        if [ "$what" != check ]; then
            echo "$what${fn:+ $fn}"; return
        fi
        code=$(code_of "$1" "$fn") &&
            [ "$code" = "$(code_of "$2" "$fn" 2>/dev/null)" ] || {
            echo "$fn()"; return; }
    done
}

# True when FILE holds a #line directive or a linemarker, however spelled:
# reach_rules() trusts the linemarkers.
has_line_directive() {  # FILE
    _ld=$work/linecheck
    rm -rf "$_ld" && mkdir "$_ld" || return 1
    sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' "$1" >"$_ld/${1##*/}"
    # -fpreprocessed: comments out, directives left as they are written
    (cd "$_ld" && gcc -fpreprocessed -E "${1##*/}" 2>/dev/null) |
        awk -v f="${1##*/}" '
            NR == 1 { next }
            /^[ \t]*(#|%:)[ \t]*line([^A-Za-z0-9_]|$)/ { found = 1; exit }
            /^[ \t]*(#|%:)[ \t]*[0-9]/ { g = $0; sub(/^[^"]*"/, "", g)
                                         sub(/".*/, "", g)
                                         if (g != f) { found = 1; exit } }
            END { exit !found }'
}

# "LIBRARY:ADDRESS NAME" of what PROG takes from its shared libraries and
# the kit's ("-"): no object may define one (the grader would call it)
linked_names() {        # PROG
    readelf -d "$1" | sed -n 's/.*Shared library: \[\(.*\)\]$/\1/p' |
        while read -r so; do
            # where the compiler that linked it finds it (no ldconfig: an
            # ordinary user's PATH has no /sbin)
            nm -D --defined-only "$(${CC:-cc} -print-file-name="$so")" \
                2>/dev/null | awk -v so="$so" '{ sub(/@.*/, "", $NF)
                                                 print so ":" $1, $NF }'
        done
    nm -g --defined-only "$build/lib/libipclab.a" 2>/dev/null |
        awk 'NF == 3 { print "-", $3 }'
}

# The first function OBJ calls that the ERE BAN names, or an alias of one
# (_IO_popen), that no object of graded.o defines; nothing if none.
banned_call() {         # OBJ BAN
    nm -u "$1" 2>/dev/null | awk -v ban="$2" '
        FILENAME == ARGV[1] { own[$0]; next }
        FILENAME == ARGV[2] { if ($2 ~ ban && $1 != "-") bad[$1]
                              at[$2] = at[$2] " " $1; next }
        $NF in own { next }
        $NF ~ ban { print $NF; exit }
        { n = split(at[$NF], a, " ")
          for (i = 1; i <= n; i++) if (a[i] in bad) { print $NF; exit } }' \
        "$work/own-names" "$work/linked" -
}

# The first thing in the objects of DIR (obj/, pre/) that could reach the
# grading's own memory or process, in the student's terms, or nothing.
reach_rules() {         # DIR PROG
    # what the tracing header's registration uses, which no object may
    # define in its stead (but the header's own weak definitions)
    reg_syms=$( { code_of "$tp_ref" lttng_ust__tracepoints__init
                  code_of "$tp_ref" lttng_ust__tracepoints__destroy; } |
        sed -n 's/.*<\([^+>]*\)+[0-9a-f]* \(und\|WEAK\/.*\)>$/\1/p' |
        sort -u)
    reg_own=$(nm --defined-only "$tp_ref" | awk '{ print $3, $2 }')
    for f in "${d%/}"/*.c "${d%/}"/*.h; do
        if [ -f "$f" ] && has_line_directive "$f"; then
            echo "${f##*/} has a #line directive or a linemarker, which no" \
                "exercise needs: the grader does not accept them"
            return
        fi
    done
    # (the tracing header's own definitions, in every object, excepted)
    nm --defined-only "$tp_ref" | awk 'NF == 3 { print $3 }' \
        >"$work/tp-names"
    linked_names "$2" >"$work/linked"
    awk '{ print $2 }' "$work/linked" | sort -u |
        grep -vFx -f "$work/tp-names" >"$work/linked-names"
    if ! grep -qx mprotect "$work/linked-names"; then
        echo "grade.sh cannot list the C library's functions that $2" \
            "uses (nm -D on what '${CC:-cc} -print-file-name' finds):" \
            "no exercise is graded without that check"
        return
    fi
    # what the objects linked into graded.o define (main.o is not)
    nm -g --defined-only "$1"/obj/*.o 2>/dev/null |
        awk '/:$/ { main = /\/main\.o:$/ } NF == 3 && !main { print $3 }' \
        >"$work/own-names"
    for o in "$1"/obj/*.o; do
        [ -f "$o" ] || continue
        c=$(basename "$o" .o).c
        # a handed-in file runs no other program (the kit's reference ones)
        runs='^ $'
        grep -v '^#' "${d%/}/MANIFEST" | grep -qFx "$c" &&
            runs='^(exec(l|le|lp|v|ve|vp|vpe|veat)|fexecve|posix_spawnp?|system|popen|wordexp|ipc_spawn(_output)?|ipc_worker_spawn|ipc_server_start(_err)?)$'
        sym=$(banned_call "$o" "$runs")
        if [ -n "$sym" ]; then
            echo "$c calls $sym(), which runs another program: no" \
                "exercise needs it, and the grader grades the programs" \
                "built from your files, not the kit's reference ones"
            return
        fi
        sym=$(banned_call "$o" '^(mprotect|pkey_mprotect|syscall|ptrace|clone[23]?|process_vm_(read|write)v|pidfd_getfd|g_.*|sb_.*|srunner_.*|suite_.*|_?tcase_.*|tr_.*|_?ck_.*)$')
        if [ -n "$sym" ]; then
            echo "$c calls $sym(), which no exercise needs: the grader does" \
                "not accept code that could reach the grading's own memory" \
                "or process"
            return
        fi
        hook=$(hooks_of "$o" "$tp_ref")
        if [ -n "$hook" ]; then
            echo "$c has a constructor, destructor, ifunc or section attribute" \
                "($hook): code that runs outside the tests, which the" \
                "grader does not accept"
            return
        fi
        own=""
        [ -z "$reg_syms" ] || own=$(nm --defined-only "$o" 2>/dev/null |
            awk '{ print $3, $2 }' | grep -vFx "$reg_own" |
            cut -d ' ' -f 1 | grep -m1 -Fx "$reg_syms")
        if [ -n "$own" ]; then
            echo "$c defines $own, which the tracing header's registration" \
                "uses: code that would run outside the tests, which the" \
                "grader does not accept"
            return
        fi
        pre="$1/pre/$(basename "$o" .o).i"
        [ -f "$pre" ] || continue
        # every file it includes: the exercise's own, the kit's headers,
        # the system's (the solutions and the tests are not for it)
        inc=$(awk -v ex="${d%/}/" -v sol="$solution" -v sys="$sys_dirs" '
            function in_dir(f, dir) {
                return substr(f, 1, length(dir)) == dir &&
                       substr(f, length(dir) + 1) !~ /\//
            }
            function in_sys(f,   n, i, dirs) {
                n = split(sys, dirs, "\n")
                for (i = 1; i <= n; i++)
                    if (dirs[i] != "" &&
                        substr(f, 1, length(dirs[i]) + 1) == dirs[i] "/")
                        return 1
                return 0
            }
            /^# [0-9]+ "/ { f = $3; gsub(/"/, "", f)
                if (f ~ /^</ || in_sys(f) ||
                    in_dir(f, "include/ipclab/") || in_dir(f, ex) ||
                    (sol == 1 && in_dir(f, ex "solution/")))
                    next
                print f; exit }' "$pre")
        if [ -n "$inc" ]; then
            echo "$c includes '$inc', outside its exercise: the grader" \
                "compiles only the exercise's files, the kit's headers and" \
                "the system's"
            return
        fi
        # in the lines of the source itself (the linemarkers say which):
        # inline assembly; dlsym()
        if awk -v src="$c" '
            /^# [0-9]+ "/ { f = $3; gsub(/"/, "", f); sub(/.*\//, "", f)
                            ours = (f == src); next }
            ours { gsub(/__asm__ __volatile__ \("" : : : "memory"\)/, "") }
            ours && /(^|[^A-Za-z0-9_])(asm|__asm|__asm__|dlopen|dlmopen|dlsym|dlvsym)([^A-Za-z0-9_]|$)/ {
                found = 1; exit }
            END { exit !found }' "$pre"; then
            echo "$c uses inline assembly or dlsym(), which no exercise" \
                "needs: the grader does not accept them"
            return
        fi
    done
    # the student's only global names in the grading program are those
    # the tests call (mk/exercises.mk, ex_graded_obj): none may be libc's
    sym=$(nm -g --defined-only "$1/graded.o" 2>/dev/null |
        awk 'NF == 3 { print $3 }' | grep -m1 -Fx -f "$work/linked-names")
    if [ -n "$sym" ]; then
        echo "your code defines $sym, which the tests call and the C" \
            "library or the kit's library already has: the grading" \
            "program's own calls would go to yours, which the grader" \
            "does not accept"
        return
    fi
    # the graded tests include the exercise's headers: what those put in
    # them runs in the grading program too
    for o in "$build/grade/obj/$n"/*.o "$build/grade/obj/$n"/hidden/*.o; do
        [ -f "$o" ] || continue
        hook=$(hooks_of "$o" "$tp_ref" "$test_ref")
        if [ -n "$hook" ]; then
            echo "the graded tests, compiled with the exercise's headers," \
                "have a constructor, destructor, ifunc or section attribute" \
                "($hook): did you change a header? Code that runs outside" \
                "the tests is not accepted"
            return
        fi
    done
}

# LOG's paths as the kit names them, not the staged copies' or checkout's
kit_paths() {           # LOG
    perl -pi -e 'BEGIN { ($w, $k) = splice(@ARGV, 0, 2) }
        s{\Q$w\E/[ct]c-[0-9]+/}{}g; s{\Q$k\E/}{}g' "$work" "$PWD" "$1"
}

mk() {
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $MAKE --no-print-directory \
        BUILD="$build" ${hidden:+GRADE_HIDDEN="$hidden"} "$@"
}

cc_limit=$((60 * scale))        # seconds (and CPU seconds) for one compile
# uid_make DIR LOG MAKE-ARGS...: make in DIR as the tests' uid, under the
# tests' limits, output in LOG
uid_make() {
    um_dir=$1 um_log=$2
    shift 2
    cc_tmp=$(new_tmp)
    (cd "$um_dir" && env -i PATH="$PATH" HOME="$cc_tmp" TMPDIR="$cc_tmp" \
        LANG=C ${CC:+CC="$CC"} ${CFLAGS:+CFLAGS="$CFLAGS"} \
        ${CPPFLAGS:+CPPFLAGS="$CPPFLAGS"} \
        perl -e "$only_fds" 3 ${cg_enter:+"$cg_enter"} \
        timeout -k 5 "$cc_limit" prlimit --cpu="$cc_limit" \
        --fsize=$((64 << 20)) --as=$((2048 << 20)) --core=0 --nproc=256 -- \
        ${hide:+unshare --mount --propagation private -- "$hide"} \
        $run_as make --no-print-directory \
        BUILD=build "$@") >"$um_log" 2>&1 </dev/null 9>&-
    cc_status=$?
    end_uid
    rm -rf "$cc_tmp"
    case $cc_status in
    0) return 0 ;;
    124|137) echo "grade: the compile did not end within $cc_limit s" \
        >>"$um_log" ;;
    esac
    return 1
}

# As root, the tests' uid compiles the student's files and the graded
# tests (which include the exercise's headers) in a staged copy: an
# #include or #pragma acts with that uid's rights; root only links.
stage_kit() {                   # DIR EXERCISE-DIR
    rm -rf "$1" && mkdir -p "$1/$2/grade" "$1/exercises/grader" \
        "$1/tests/lib" "$1/build" && cp -R Makefile mk include "$1/" &&
        find "$2" -maxdepth 1 -type f -exec cp -t "$1/$2/" {} + &&
        cp "$2"/grade/*.c "$1/$2/grade/" &&
        cp exercises/grader/*.h "$1/exercises/grader/" &&
        cp tests/lib/*.h "$1/tests/lib/"
}
# uid_build EXERCISE-DIR NN LOG cc|tc: compile the student's files (cc)
# or the tests, hidden ones copied in (tc); sets keep (make -o options)
uid_build() {
    ub="$work/$4-$2"
    keep=""
    rels=""
    th=""
    stage_kit "$ub" "$1" || {
        echo "grade: cannot stage $1 for its compile" >"$3"; return 1; }
    if [ "$4" = cc ]; then
        for c in "$1"/*.c; do
            c=$(basename "$c" .c)
            rels="$rels exercises/$2/obj/$c.o exercises/$2/pre/$c.i"
        done
    else
        for t in ${hidden:+"$hidden/$2"/*.c}; do
            [ -f "$t" ] || continue
            th="$ub/hidden"
            mkdir -p "$th/$2" && cp "$t" "$th/$2/" || {
                echo "grade: cannot stage the hidden tests of $1" >"$3"
                return 1; }
        done
        for t in "$1"/grade/*.c ${th:+"$th/$2"/*.c}; do
            sub=""
            case "$t" in "$th"/*) sub=hidden/ ;; esac
            t=$(basename "$t" .c)
            rels="$rels grade/list/$2/$sub$t.i grade/obj/$2/$sub$t.o"
        done
    fi
    for f in $rels; do keep="$keep -o $build/$f"; done
    chmod -R a+rX "$ub" && chown "$test_uid:$test_uid" "$ub/build" || {
        echo "grade: cannot stage $1 for its compile" >"$3"; return 1; }
    uid_make "$ub" "$3" ${th:+GRADE_HIDDEN="$th"} \
        $(for f in $rels; do echo "build/$f"; done) || {
        rm -rf "$ub"; return 1; }
    # their directories as the tests' uid made them: nothing stale
    for f in $rels; do dirname "$f"; done | sort -u | while read -r sub; do
        rm -rf "${build:?}/${sub%/hidden}"
    done
    for f in $rels; do
        mkdir -p "$build/$(dirname "$f")" && cp "$ub/build/$f" "$build/$f" || {
            echo "grade: cannot copy the objects of $1" >>"$3"
            rm -rf "$ub"; return 1; }
    done
    rm -rf "$ub"
}

# What hooks_of() compares constructors with, compiled as the exercises'
# files are now: the tracing header alone (tp_ref) and a graded test's
# registration (test_ref, with the grader's flags).
tp_ref="$work/ref/build/obj/grade-ref/tp.o"
test_ref="$work/ref/build/obj/exercises/grader/ipclab_ref.o"
tp_reference() {
    mkdir -p "$work/ref/grade-ref" "$work/ref/exercises/grader" \
        "$work/ref/tests/lib" && cp -R Makefile mk include "$work/ref/" &&
        cp exercises/grader/*.h "$work/ref/exercises/grader/" &&
        cp tests/lib/*.h "$work/ref/tests/lib/" &&
        echo '#include "ipclab/trace.h"' >"$work/ref/grade-ref/tp.c" &&
        printf '%s\n' '#include "grade.h"' \
            'GRADE_TEST(ipclab_ref, 1, 1, "") {}' \
            >"$work/ref/exercises/grader/ipclab_ref.c" || return 1
    set -- build/obj/grade-ref/tp.o build/obj/exercises/grader/ipclab_ref.o
    if [ -n "$test_uid" ] && [ "$solution" = 0 ]; then
        # the environment uid_make() gives
        (cd "$work/ref" && env -i PATH="$PATH" HOME="$work/ref" \
            TMPDIR="$work/ref" LANG=C ${CC:+CC="$CC"} \
            ${CFLAGS:+CFLAGS="$CFLAGS"} ${CPPFLAGS:+CPPFLAGS="$CPPFLAGS"} \
            make --no-print-directory BUILD=build "$@")
    else
        # mk()'s
        (cd "$work/ref" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $MAKE \
            --no-print-directory BUILD=build "$@")
    fi >"$work/ref.log" 2>&1 </dev/null 9>&-
}
# the compiler's system directories: what the exercises may include too
sys_dirs=$(${CC:-cc} -E -Wp,-v -x c /dev/null 2>&1 >/dev/null |
    sed -n '/^#include <\.\.\.> search starts here:$/,/^End of search list\.$/{
            s/^ \(\/.*\)$/\1/p; }')
[ -n "$sys_dirs" ] || {
    echo "grade.sh: cannot list the system include directories of" \
        "'${CC:-cc}'" >&2
    exit 1; }
tp_reference || {
    echo "grade.sh: cannot compile the tracing header alone (the grader's" \
        "reference): $(tail -n 3 "$work/ref.log")" >&2
    exit 1; }

# ---- first every build, then the tests within the time budget ----------
# A submission that hangs everywhere is still graded in time: each test's
# timeout is its share of what is left of the budget (never more than its
# own), counting the builds and each test's grace (start-up, the verdict).
budget=$((${GRADE_BUDGET:-540} * scale))  # seconds for the whole grading
grace=5
target=exercises
[ "$solution" = 1 ] && target=solutions
plan="$private/plan"            # ex, n, built, why, test, points, limit, desc
names="$private/names"          # the tests of exercises not listed
: >"$plan"
: >"$names"
plan_row() {                    # TEST POINTS LIMIT DESC, of $ex
    fields "$ex" "$n" "$built" "$(printf '%s' "$why" | one_line)" "$1" "$2" \
        $(($3 * scale)) "$(printf '%s' "$4" | one_line)" >>"$plan"
}
for d in $exercises; do
    ex=$(basename "$d")
    n=${ex%%-*}
    echo "grade: building $ex${suffix:+ (reference solution)}" >&2

    # the list of tests, even when the student's code does not compile
    # (as root, the tests compiled by the tests' uid first)
    tkeep=""
    if [ -n "$test_uid" ] && [ "$solution" = 0 ] &&
       ! { uid_build "${d%/}" "$n" "$logs/$n-list.log" tc &&
           tkeep=$keep; } ||
       ! mk $tkeep grade-list-"$n" >>"$logs/$n-list.log" 2>&1; then
        kit_paths "$logs/$n-list.log"
        # the tests' names from their sources: --tests is checked below
        { sed -n 's/^GRADE_TEST( *\([A-Za-z0-9_]*\).*/\1/p' \
              "${d%/}"/grade/*.c ${hidden:+"$hidden/$n"/*.c}
          for t in ${hidden:+"$hidden/$n"/*.sh}; do
              echo "hidden_$(basename "$t" .sh)"; done; } >>"$names" 2>/dev/null
        row "$ex" build 0 0 FAIL "the graded tests do not compile (did you \
change a header?): $(grep -a -m1 -i 'error' "$logs/$n-list.log")" \
            "build the tests" "log/$n-list.log" visible
        continue
    fi
    built=1
    why=""
    keep=""
    blog="$logs/$n-build.log"
    : >"$blog"
    # the student's own files by the tests' uid (the solutions are ours)
    if [ -n "$test_uid" ] && [ "$solution" = 0 ] &&
       ! uid_build "${d%/}" "$n" "$blog" cc; then
        built=0
    else
        # compiled afresh, by the compiler that compiled tp_ref
        [ -n "$test_uid" ] && [ "$solution" = 0 ] ||
            rm -rf "${build:?}/$target/$n/obj" "${build:?}/$target/$n/pre"
        mk $keep $tkeep grade-build-"$n$suffix" >>"$blog" 2>&1 || built=0
    fi
    kit_paths "$blog"
    if [ $built = 0 ]; then
        # the first error in the exercise's own files, else the first
        # function that the handed-in files should define and do not
        first=$(grep -a -m1 -E "^${d%/}/[^/:]+:[0-9]+:.*error|^grade: " \
            "$blog")
        undef=$(sed -n "s/.*undefined reference to \`\([A-Za-z0-9_]*\)'.*/\1/p" \
            "$blog" | head -n 1)
        if [ -z "$first" ] && [ -n "$undef" ]; then
            set -- $(grep -v '^#' "${d%/}/MANIFEST")
            if [ $# = 1 ]; then
                first="$1 does not define $undef()"
            else
                first="none of $(echo "$@" | sed 's/ /, /g') defines $undef()"
            fi
        fi
        why="does not compile: ${first:-an error outside the exercise's own files (see log/$n-build.log)}"
    fi
    if [ $built = 1 ]; then
        why=$(reach_rules "$build/$target/$n" "$build/grade/$n$suffix")
        [ -z "$why" ] || built=0
    fi
    if [ $built = 1 ] && [ -n "$test_uid" ]; then
        rm -rf "${sbuild:?}/$target/$n"
        mkdir -p "$sbuild/$target"
        cp "$build/grade/$n$suffix" "$sbuild/grade/"
        chmod 0700 "$sbuild/grade/$n$suffix"
        [ -d "$build/$target/$n" ] && cp -R "$build/$target/$n" \
            "$sbuild/$target/"
        chmod -R a+rX "$sbuild/$target"
        for p in "$sbuild/$target/$n"/*; do
            [ -n "$userns" ] && [ -f "$p" ] && [ -x "$p" ] || continue
            mkdir -p "$stage/run/$n" &&
                printf '#!/bin/sh\nexec unshare --map-current-user -- %s "$@"\n' \
                    "$(quote "$p")" >"$stage/run/$n/${p##*/}" &&
                chmod 0755 "$stage/run/$n" "$stage/run/$n/${p##*/}" || {
                echo "grade.sh: cannot write '$stage/run/$n'" >&2; exit 1; }
        done
    fi
    "$build/grade/$n-list" --list | while IFS='	' read -r name points \
            limit desc; do
        [ -n "$name" ] || continue
        case " $tests " in "  "|*" $name "*) ;; *) continue ;; esac
        plan_row "$name" "$points" "$limit" "$desc"
    done
    # hidden script tests: DIR/NN/*.sh (docs/instructor.md)
    for t in ${hidden:+"$hidden/$n"/*.sh}; do
        [ -f "$t" ] || continue
        case " $tests " in
        "  "|*" hidden_$(basename "$t" .sh) "*) ;; *) continue ;; esac
        points=$(sed -n 's/^# points: *\([0-9][0-9]*\).*/\1/p' "$t" | head -n 1)
        limit=$(sed -n 's/^# timeout: *\([0-9][0-9]*\).*/\1/p' "$t" | head -n 1)
        desc=$(sed -n 's/^# description: *//p' "$t" | head -n 1)
        plan_row "$t" "${points:-1}" "${limit:-30}" "$desc"
    done
done

# a mistyped test is an error, not one test fewer graded
for t in $tests; do
    { cut -d "$us" -f 5 "$plan"; cat "$names"; } |
        sed 's#^/.*/\([^/]*\)\.sh$#hidden_\1#' | grep -qFx -- "$t" || {
        echo "grade.sh: no test named '$t' in the exercises graded (see" \
            "BUILD/grade/NN-list --list)" >&2
        exit 2; }
done
rm -rf "$out"
# 0700 from its creation to the end, whoever grades: no test (nor the
# next grading's, under whatever uid) reads the verdicts and outputs
mkdir -p "$(dirname "$out")" && mkdir -m 0700 "$out" &&
    [ "$(stat -c %a "$out")" = 700 ] && mv "$logs" "$out/log" || {
    echo "grade.sh: cannot create '$out' closed to others (mode 0700)" >&2
    exit 1; }
own_left=$(awk -F "$us" -v g="$grace" '$3 == 1 { s += $7 + g }
                                       END { print s + 0 }' "$plan")
while IFS=$us read -r ex n built why name points limit desc; do
    script=""
    case "$name" in
    /*) script=$name; name=hidden_$(basename "$script" .sh) ;;
    esac
    vis=visible
    case "$name" in hidden_*) vis=after_published ;; esac
    log="log/$n-$name.log"
    if [ "$built" = 0 ]; then
        echo "$why" >"$out/$log"
        row "$ex" "$name" 0 "$points" FAIL "$why" "$desc" "$log" "$vis"
        continue
    fi
    # this test's share of what is left of the budget, its grace included
    left=$((budget - ($(date +%s) - start)))
    t=$(((limit + grace) * left / (own_left > 0 ? own_left : 1) - grace))
    [ "$t" -le "$limit" ] || t=$limit
    [ "$t" -ge 3 ] || t=3
    own_left=$((own_left - limit - grace))

    tmp=$(new_tmp)
    raw="$private/raw"
    verdict="$private/verdict"
    : >"$verdict"
    began=$(date +%s)
    if [ -z "$script" ]; then
        (cd "$tmp" && env -i PATH="$PATH" HOME="$tmp" TMPDIR="$tmp" \
            LANG=C IPCLAB_TESTS_LOCKED=1 ${GRADE_KEEP:+GRADE_KEEP=1} \
            ${tp_lib:+IPCLAB_TP_LIB="$tp_lib"} \
            ${test_uid:+GRADE_UID="$test_uid" GRADE_GID="$test_uid"} \
            GRADE_VERDICT_FD=3 GRADE_TIMEOUT="$t" \
            perl -e "$only_fds" 4 ${cg_enter:+"$cg_enter"} \
            timeout -k 2 $((t + grace)) \
            ${hide:+unshare --mount --propagation private -- "$hide"} \
            "$sbuild/grade/$n$suffix" "$name") \
            >"$raw" 2>&1 3>"$verdict" </dev/null 9>&-
        status=$?
        [ -z "$test_uid" ] || end_uid
        why=$(verdict_of "$verdict" $status $(($(date +%s) - began)) "$t")
    else
        # a script's verdict is its exit status, under the same limits
        cp "$script" "$tmp/test.sh"
        chmod a+rx "$tmp/test.sh"
        progs="$sbuild/$target/$n"
        [ -z "$userns" ] || progs="$stage/run/$n"
        (cd "$tmp" && env -i PATH="$PATH" HOME="$tmp" TMPDIR="$tmp" LANG=C \
            GRADE_PROG_DIR="$progs" \
            GRADE_BIN="$sbuild/bin" GRADE_SRC="$stage" \
            GRADE_TMP="$tmp" ${tp_lib:+IPCLAB_TP_LIB="$tp_lib"} \
            perl -e "$only_fds" 3 ${cg_enter:+"$cg_enter"} \
            timeout -k 5 "$t" prlimit --cpu=$((t + 5)) \
            --fsize=$((64 << 20)) --as=$((2048 << 20)) --core=0 \
            ${test_uid:+--nproc=256} -- \
            ${hide:+unshare --mount --propagation private -- "$hide"} \
            $run_as sh ./test.sh) \
            >"$raw" 2>&1 </dev/null 9>&-
        status=$?
        [ -z "$test_uid" ] || end_uid
        last=$(tr -c '\12\40-\176' '?' <"$raw" | grep -v '^[[:space:]]*$' |
               tail -n 1 | cut -c1-200)
        case $status in
        0) why=PASS ;;
        *) why=$(killed_why $status $(($(date +%s) - began)) "$t") ||
               why=${last:-exit $status} ;;
        esac
    fi
    ooms=$(cg_ooms)
    keep_output "$raw" "$out/$log"
    if [ "$why" = PASS ]; then
        row "$ex" "$name" "$points" "$points" PASS "" "$desc" "$log" "$vis"
    else
        row "$ex" "$name" 0 "$points" FAIL "$why" "$desc" "$log" "$vis"
    fi
    [ -n "${GRADE_KEEP:-}" ] || rm -rf "$tmp"
done <"$plan"

# ---- the reports ---------------------------------------------------------
elapsed=$(( $(date +%s) - start ))
what=""
[ "$solution" = 1 ] && what=" (reference solutions)"
# table PUBLIC: the table; PUBLIC=1 (results.json's output, which students
# see at once): without the hidden tests, whose results wait for publishing
table() {
awk -F "$us" -v elapsed="$elapsed" -v what="$what" -v note="$note" \
    -v public="$1" '
public && $9 != "visible" { hidden++; next }
{
    ex[NR] = $1; name[NR] = $2; score[NR] = $3; max[NR] = $4
    status[NR] = $5; reason[NR] = $6; desc[NR] = $7
    if (!($1 in ex_max)) order[++nex] = $1
    ex_score[$1] += $3; ex_max[$1] += $4
    total += $3; total_max += $4
}
END {
    for (e = 1; e <= nex; e++) {
        x = order[e]
        printf "\n== %s ==\n%-28s %7s  %-4s  %s\n", x, "test", "points", "",
               "result"
        for (i = 1; i <= NR; i++)
            if (ex[i] == x)
                printf "%-28s %3d/%-3d  %-4s  %s\n", name[i], score[i],
                       max[i], status[i],
                       status[i] == "PASS" ? desc[i] : reason[i]
        printf "%s: %d/%d\n", x, ex_score[x], ex_max[x]
    }
    printf "\nTOTAL%s%s: %d/%d  (%d s)\n", what,
           hidden ? " of the visible tests" : "", total, total_max, elapsed
    if (hidden)
        printf "and %d hidden tests: shown once grades are published\n",
               hidden
    if (note != "")
        printf "%s\n", note
}' "$rows"
}
table 0

fail_report() {
    echo "grade.sh: cannot write $1: the grading's results are lost" >&2
    exit 1
}
# each test's JSON object, and its TAP line (a failure's reason as YAML: a
# JSON string is a YAML scalar)
score=$(awk -F "$us" '{ s += $3 } END { print s + 0 }' "$rows")
max=$(awk -F "$us" '{ s += $4 } END { print s + 0 }' "$rows")
tap="$out/results.tap.tmp"
printf 'TAP version 13\n1..%s\n' "$(wc -l <"$rows")" >"$tap" ||
    fail_report "$out/results.tap"
i=0
while IFS=$us read -r ex name score_i max_i status reason desc log vis; do
    i=$((i + 1))
    o=$desc
    [ "$status" = PASS ] || o=$(printf '%s\nFAILED: %s\n\n' "$desc" "$reason"
                              tail -n 12 "$out/$log" | cut -c1-200)
    jq -n --arg name "$ex/$name" --argjson score "$score_i" \
        --argjson max "$max_i" --arg vis "$vis" --arg output "$o" \
        --arg status "$([ "$status" = PASS ] && echo passed || echo failed)" \
        '{name: $name, score: $score, max_score: $max, status: $status,
          visibility: $vis, output: $output}' \
        >"$private/test-$(printf %04d $i).json" || fail_report results.json
    if [ "$status" = PASS ]; then
        echo "ok $i - $ex/$name ($score_i/$max_i points)"
    else
        m=$(jq -n --arg m "$reason" '$m') || fail_report results.tap
        printf 'not ok %s - %s (%s points)\n  ---\n  message: %s\n  ...\n' \
            $i "$ex/$name" "$score_i/$max_i" "$m"
    fi >>"$tap" || fail_report "$out/results.tap"
done <"$rows"
cat /dev/null "$private"/test-*.json 2>/dev/null |
    jq -s --argjson score "$score" --argjson max "$max" \
        --argjson time "$elapsed" --arg output "$(table 1)" \
        '{score: $score, max_score: $max, execution_time: $time,
          output: $output, tests: .}' >"$out/results.json.tmp" &&
    jq -e '.tests | length >= 0' "$out/results.json.tmp" >/dev/null &&
    mv "$out/results.json.tmp" "$out/results.json" ||
    fail_report "$out/results.json"
echo "# score $score/$max" >>"$tap" && mv "$tap" "$out/results.tap" ||
    fail_report "$out/results.tap"
echo "results: $out/results.json, $out/results.tap" >&2
if [ "$solution" = 1 ] && [ "$score" != "$max" ]; then
    echo "grade.sh: the reference solutions did not get full marks" >&2
    exit 1
fi
exit 0
