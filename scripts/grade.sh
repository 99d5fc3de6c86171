#!/bin/sh
# scripts/grade.sh - grade the exercises; 'make grade' runs it.
#
#   scripts/grade.sh [--build DIR] [--out DIR] [--ex 01,03] [--solution]
#                    [--hidden DIR]
#
# For each exercise: build it (a compile error costs that exercise only),
# list its graded tests, and run each one as a process of its own under
# a timeout, so a crash or a hang costs that test only. Then print a
# table per exercise and the total, and write into the output directory:
#
#   results.json   Gradescope's format: score, max_score, output, tests
#                  [{name, score, max_score, output, visibility}]
#   results.tap    TAP version 13, one line per test
#   log/           each test's full output, and each build's
#
# The results are written whatever the student's code does. Run as root
# (Gradescope, CI containers), the tests and so the student's programs
# run as GRADE_USER (default: nobody) from a copy of what they need, with
# a private writable temporary directory; GRADE_USER=root keeps root.
# Hidden tests (--hidden DIR) are DIR/NN/*.c, compiled into exercise NN's
# tests, and DIR/NN/*.sh scripts: see docs/instructor.md.
#
# Exit status: 0 when grading ran (whatever the score); with --solution,
# 0 only for full marks; 2 on usage errors; 1 when the kit cannot build.
set -u

build=build
out=""
only=""
solution=0
hidden=""
usage() {
    sed -n '3,5s/^# \{0,1\}//p' "$0" >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case "$1" in
    --build) [ $# -ge 2 ] || usage; build=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    --ex) [ $# -ge 2 ] || usage; only=$(echo "$2" | tr ',' ' '); shift 2 ;;
    --solution) solution=1; shift ;;
    --hidden) [ $# -ge 2 ] || usage; hidden=$2; shift 2 ;;
    -h|--help) sed -n '2,28s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) usage ;;
    esac
done
[ -f Makefile ] && [ -d exercises ] || {
    echo "grade.sh: run me from the kit's top directory" >&2; exit 2; }
[ -n "$out" ] || out="$build/grade-results"
[ -z "$hidden" ] || [ -d "$hidden" ] || {
    echo "grade.sh: hidden tests: '$hidden' is not a directory" >&2; exit 2; }
MAKE=${MAKE:-make}
suffix=""
[ "$solution" = 1 ] && suffix="-solution"

# One grading at a time per user, and never beside that user's 'make
# check': the tests start servers and record them (scripts/lib/lock.sh).
. scripts/lib/lock.sh
ipclab_lock grade.sh "grade.sh $*" 1800
start=$(date +%s)               # the time taken, not the wait for the lock

rm -rf "$out"
mkdir -p "$out/log" || {
    echo "grade.sh: cannot create '$out/log'" >&2; exit 1; }
rows="$out/rows.tsv"            # ex, test, score, max, PASS/FAIL, reason,
: >"$rows"                      # description, log, visibility

work=$(mktemp -d "${TMPDIR:-/tmp}/ipclab-grade.XXXXXX") || {
    echo "grade.sh: cannot create a temporary directory" >&2; exit 1; }
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- who runs the tests ------------------------------------------------
# As root, the tests (and the student's programs they start) run as an
# unprivileged user, from a staged copy that user can read: the source
# tree itself may sit in a directory only root can enter.
run_as=""
stage="$PWD"
sbuild=$(mkdir -p "$build" && cd "$build" && pwd)   # what the tests see
if [ "$(id -u)" = 0 ] && [ "${GRADE_USER:-nobody}" != root ]; then
    user=${GRADE_USER:-nobody}
    uid=$(id -u "$user" 2>/dev/null) && gid=$(id -g "$user") || {
        echo "grade.sh: no user '$user' to run the tests as" \
             "(set GRADE_USER)" >&2; exit 1; }
    if command -v setpriv >/dev/null 2>&1; then
        run_as="setpriv --reuid=$uid --regid=$gid --clear-groups --"
    else
        run_as="runuser -u $user --"
    fi
    chmod 0755 "$work"
    stage="$work/stage"
    sbuild="$stage/build"       # the harness finds traces/ beside it
    mkdir -p "$sbuild" "$stage/traces"
    cp -R "$build/bin" "$sbuild/"
    [ -d "$build/lib" ] && cp -R "$build/lib" "$sbuild/"
    cp "$build/.tracing" "$sbuild/" 2>/dev/null || true
    cp traces/record.sh "$stage/traces/"
    chmod -R a+rX "$stage"
fi

# the tracepoint probes, which programs outside BUILD/bin cannot find
# beside them once staged (src/lib/tp_define.c)
tp_lib=""
[ -f "$sbuild/lib/libipclab-tp.so" ] && tp_lib="$sbuild/lib/libipclab-tp.so"

# A fresh temporary directory for one test, writable by whoever runs it.
new_tmp() {
    t=$(mktemp -d "$work/tmp.XXXXXX")
    [ -n "$run_as" ] && chown "$uid:$gid" "$t"
    echo "$t"
}

# Make text safe for one TSV field: printable ASCII, no tabs.
one_line() {
    tr -c '\40-\176' ' ' | sed 's/  */ /g; s/^ //; s/ $//' | cut -c1-300
}

# row EX TEST SCORE MAX STATUS REASON DESC LOG VISIBILITY
row() {
    r_reason=$(printf '%s' "$6" | one_line)
    r_desc=$(printf '%s' "$7" | one_line)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" \
        "$5" "$r_reason" "$r_desc" "$8" "$9" >>"$rows"
}

# The reason of a test's failure, from its log and exit status.
reason_of() {           # LOG STATUS LIMIT
    line=$(grep -E '^(PASS|FAIL)' "$1" 2>/dev/null | tail -n 1)
    case "$line" in
    PASS) echo "PASS" ;;
    FAIL*) echo "${line#FAIL: }" ;;
    *)  case "$2" in
        124|137) echo "grader timeout after $3 s: the test program hung" ;;
        *) echo "test program ended abnormally (exit $2)" ;;
        esac ;;
    esac
}

# ---- the exercises -----------------------------------------------------
exercises=""
for d in exercises/[0-9][0-9]-*/; do
    d=${d%/}
    [ -f "$d/README.md" ] || continue
    n=$(basename "$d"); n=${n%%-*}
    if [ -n "$only" ]; then
        keep=0
        for e in $only; do
            case "$e" in
            "$n"|"$(basename "$d")") keep=1 ;;
            [0-9]) [ "0$e" = "$n" ] && keep=1 ;;
            esac
        done
        [ $keep = 1 ] || continue
    fi
    exercises="$exercises $d"
done
[ -n "$exercises" ] || { echo "grade.sh: no exercise matches '$only'" >&2
                         exit 2; }

mk() {
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $MAKE --no-print-directory \
        BUILD="$build" ${hidden:+GRADE_HIDDEN="$hidden"} "$@"
}

for d in $exercises; do
    ex=$(basename "$d")
    n=${ex%%-*}
    echo "grade: $ex${suffix:+ (reference solution)}" >&2

    # the list of tests, even when the student's code does not compile
    if ! mk grade-list-"$n" >"$out/log/$n-list.log" 2>&1; then
        row "$ex" build 0 0 FAIL "the graded tests do not compile (did you \
change a header?): $(grep -m1 -i 'error' "$out/log/$n-list.log")" \
            "build the tests" "log/$n-list.log" visible
        continue
    fi
    list=$("$build/grade/$n-list" --list)

    built=1
    if ! mk grade-build-"$n$suffix" >"$out/log/$n-build.log" 2>&1; then
        built=0
        why="does not compile: $(grep -m1 -E 'error|undefined' \
            "$out/log/$n-build.log")"
    fi
    prog="$build/grade/$n$suffix"
    sprog="$sbuild/grade/$n$suffix"
    if [ $built = 1 ] && [ -n "$run_as" ]; then
        target=exercises
        [ "$solution" = 1 ] && target=solutions
        mkdir -p "$sbuild/grade" "$sbuild/$target"
        rm -rf "$sbuild/$target/$n"
        cp "$prog" "$sbuild/grade/"
        [ -d "$build/$target/$n" ] && cp -R "$build/$target/$n" \
            "$sbuild/$target/"
        chmod -R a+rX "$sbuild"
    fi

    echo "$list" | while IFS='	' read -r name points limit desc; do
        [ -n "$name" ] || continue
        vis=visible
        case "$name" in hidden_*) vis=after_published ;; esac
        log="log/$n-$name.log"
        if [ $built = 0 ]; then
            echo "$why" >"$out/$log"
            row "$ex" "$name" 0 "$points" FAIL "$why" "$desc" "$log" "$vis"
            continue
        fi
        tmp=$(new_tmp)
        (cd "$tmp" && env -i PATH="$PATH" HOME="$tmp" TMPDIR="$tmp" \
            LANG=C IPCLAB_TESTS_LOCKED=1 ${GRADE_KEEP:+GRADE_KEEP=1} \
            ${tp_lib:+IPCLAB_TP_LIB="$tp_lib"} \
            timeout -k 5 $((limit + 15)) $run_as \
            "$sprog" "$name") >"$out/$log" 2>&1 </dev/null 9>&-
        status=$?
        why=$(reason_of "$out/$log" $status $((limit + 15)))
        if [ "$why" = PASS ]; then
            row "$ex" "$name" "$points" "$points" PASS "" "$desc" "$log" "$vis"
        else
            row "$ex" "$name" 0 "$points" FAIL "$why" "$desc" "$log" "$vis"
        fi
        [ -n "${GRADE_KEEP:-}" ] || rm -rf "$tmp"
    done

    # hidden script tests: DIR/NN/*.sh (docs/instructor.md)
    for t in ${hidden:+"$hidden/$n"/*.sh}; do
        [ -f "$t" ] || continue
        name=hidden_$(basename "$t" .sh)
        points=$(sed -n 's/^# points: *\([0-9][0-9]*\).*/\1/p' "$t" | head -n 1)
        limit=$(sed -n 's/^# timeout: *\([0-9][0-9]*\).*/\1/p' "$t" | head -n 1)
        desc=$(sed -n 's/^# description: *//p' "$t" | head -n 1)
        points=${points:-1}
        limit=${limit:-30}
        log="log/$n-$name.log"
        if [ $built = 0 ]; then
            row "$ex" "$name" 0 "$points" FAIL "$why" "$desc" "$log" \
                after_published
            continue
        fi
        tmp=$(new_tmp)
        cp "$t" "$tmp/test.sh"
        chmod a+rx "$tmp/test.sh"
        target=exercises
        [ "$solution" = 1 ] && target=solutions
        (cd "$tmp" && env -i PATH="$PATH" HOME="$tmp" TMPDIR="$tmp" LANG=C \
            GRADE_PROG_DIR="$sbuild/$target/$n" \
            GRADE_BIN="$sbuild/bin" GRADE_SRC="$stage" \
            GRADE_TMP="$tmp" ${tp_lib:+IPCLAB_TP_LIB="$tp_lib"} \
            timeout -k 5 "$limit" $run_as sh ./test.sh) \
            >"$out/$log" 2>&1 </dev/null 9>&-
        status=$?
        last=$(grep -v '^[[:space:]]*$' "$out/$log" | tail -n 1)
        case $status in
        0) row "$ex" "$name" "$points" "$points" PASS "" "$desc" "$log" \
               after_published ;;
        124|137) row "$ex" "$name" 0 "$points" FAIL \
               "timed out after $limit s" "$desc" "$log" after_published ;;
        *) row "$ex" "$name" 0 "$points" FAIL "${last:-exit $status}" \
               "$desc" "$log" after_published ;;
        esac
        [ -n "${GRADE_KEEP:-}" ] || rm -rf "$tmp"
    done
done

# ---- the reports ---------------------------------------------------------
elapsed=$(( $(date +%s) - start ))
awk -F '\t' -v out="$out" -v elapsed="$elapsed" \
    -v what="${suffix:+reference solutions}" '
function esc(s) {
    gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s)
    gsub(/\r/, "", s); gsub(/\n/, "\\n", s)
    return s
}
# the last lines of a log, printable ASCII only, for "output"
function tail_of(path,    n, i, line, buf, lines) {
    n = 0
    while ((getline line < path) > 0) {
        gsub(/[^ -~]/, "?", line)
        lines[n++ % 12] = substr(line, 1, 200)
    }
    close(path)
    buf = ""
    for (i = (n > 12 ? n - 12 : 0); i < n; i++)
        buf = buf lines[i % 12] "\n"
    return buf
}
{
    ex[NR] = $1; name[NR] = $2; score[NR] = $3; max[NR] = $4
    status[NR] = $5; reason[NR] = $6; desc[NR] = $7; logf[NR] = $8
    vis[NR] = $9
    if (!($1 in ex_max)) order[++nex] = $1
    ex_score[$1] += $3; ex_max[$1] += $4
    if ($5 != "PASS") nfail++
    total += $3; total_max += $4
}
END {
    text = ""
    for (e = 1; e <= nex; e++) {
        x = order[e]
        text = text sprintf("\n== %s ==\n%-28s %7s  %-4s  %s\n", x, "test",
                            "points", "", "result")
        for (i = 1; i <= NR; i++) {
            if (ex[i] != x) continue
            text = text sprintf("%-28s %3d/%-3d  %-4s  %s\n", name[i],
                                score[i], max[i], status[i],
                                status[i] == "PASS" ? desc[i] : reason[i])
        }
        text = text sprintf("%s: %d/%d\n", x, ex_score[x], ex_max[x])
    }
    text = text sprintf("\nTOTAL%s: %d/%d  (%d s)\n",
                        what != "" ? " (" what ")" : "", total, total_max,
                        elapsed)
    printf "%s", text

    json = out "/results.json"
    printf "{\n  \"score\": %d,\n  \"max_score\": %d,\n", total,
           total_max > json
    printf "  \"execution_time\": %d,\n", elapsed > json
    printf "  \"output\": \"%s\",\n  \"tests\": [", esc(text) > json
    for (i = 1; i <= NR; i++) {
        o = desc[i] "\n"
        if (status[i] != "PASS")
            o = o "FAILED: " reason[i] "\n\n" tail_of(out "/" logf[i])
        printf "%s\n    {\"name\": \"%s\", \"score\": %d, " \
               "\"max_score\": %d, \"status\": \"%s\", " \
               "\"visibility\": \"%s\",\n     \"output\": \"%s\"}",
               (i > 1 ? "," : ""), esc(ex[i] "/" name[i]), score[i], max[i],
               status[i] == "PASS" ? "passed" : "failed", vis[i],
               esc(o) > json
    }
    printf "\n  ]\n}\n" > json
    close(json)

    tap = out "/results.tap"
    printf "TAP version 13\n1..%d\n", NR > tap
    for (i = 1; i <= NR; i++) {
        printf "%s %d - %s/%s (%d/%d points)\n",
               status[i] == "PASS" ? "ok" : "not ok", i, ex[i], name[i],
               score[i], max[i] > tap
        if (status[i] != "PASS")
            printf "  ---\n  message: \"%s\"\n  ...\n", esc(reason[i]) > tap
    }
    printf "# score %d/%d\n", total, total_max > tap
    close(tap)
    if (nfail > 0) exit 3
}' "$rows"
full=$?
echo "results: $out/results.json, $out/results.tap" >&2
if [ "$solution" = 1 ] && [ $full != 0 ]; then
    echo "grade.sh: the reference solutions did not get full marks" >&2
    exit 1
fi
exit 0
