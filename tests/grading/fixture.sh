#!/bin/sh
# tests/grading/fixture.sh - grade one broken submission and check that
# it lost the right points; tests/grading/check_grading.c runs it.
#
#   tests/grading/fixture.sh SRC TREE FIXTURE OUT
#
# SRC is the kit's source tree; TREE a copy of it kept between runs (its
# build/ reused); FIXTURE a directory of tests/grading/fixtures/:
#
#   base       "NN-name skeleton" or "NN-name solution": what the
#              exercise's files start from
#   *.patch    unified diffs applied to them (patch -p1 in the exercise)
#   hidden/    hidden tests (hidden/NN/*.sh or *.c), graded with
#              GRADE_HIDDEN (a copy: grade.sh closes it to others)
#   expect     one check a line, '#' for comments:
#                score N               the exercise's total
#                pass TEST             TEST passed
#                fail TEST [WORDS]     TEST failed, its output has WORDS
#                log TEST WORDS        TEST's log has WORDS
#                nolog TEST WORDS      TEST's log lacks WORDS
#                nooutput WORDS        results.json's output (what
#                                      students see at once) lacks WORDS
#                git                   the copy is a git checkout (its
#                                      files committed in its .git)
#                asroot CHECK          CHECK, only when graded as root
#                asuser CHECK          CHECK, only when graded as another
#                                      user (no uid switch)
#                tests NAME...         grade only these tests
#                budget S              GRADE_BUDGET=S: a hanging test
#                                      ends sooner
#                nosecret FILE         no line of FILE in the results,
#                                      the logs or make's output (when
#                                      FILE is readable here: as root)
#                noleft                no process of the grading is
#                                      left once it ended (its
#                                      temporary files, programs or
#                                      working directory in use)
#                repeat N              grade N times: every run must meet
#                                      every check (the same score each
#                                      time: no verdict left to chance)
#
# The copy's exercise is graded with 'make grade EX=NN GRADE_OUT=OUT';
# then OUT must be mode 0700, results.json JSON of Gradescope's shape
# (jq -e), results.tap TAP (prove), and every expectation met. The first one
# that is not is printed, with exit status 1.
set -eu

[ $# -eq 4 ] || { echo "usage: $0 SRC TREE FIXTURE OUT" >&2; exit 2; }
src=$1 tree=$2 fx=$3 out=$4
read -r ex base <"$fx/base"
n=${ex%%-*}

# the kit, refreshed from SRC (a file SRC no longer has must go too); the
# build directory stays
kit="Makefile include src mk scripts traces labs exercises bench tests"
mkdir -p "$tree"
(cd "$tree" && rm -rf $kit)
(cd "$src" && tar -cf - --exclude='build' --exclude='build-*' \
    --exclude='grade-results*' $kit) | (cd "$tree" && tar -xf -)
if [ "$base" = solution ]; then
    cp "$tree/exercises/$ex/solution/"*.c "$tree/exercises/$ex/"
fi
for p in "$fx"/*.patch; do
    [ -f "$p" ] || continue
    patch -s -p1 -d "$tree/exercises/$ex" <"$p" || {
        echo "fixture: $p does not apply"; exit 1; }
done
# tar kept the sources' times: make must see this exercise as changed
touch "$tree/exercises/$ex/"*.c
# a git checkout when the fixture asks (its history is what it reads)
rm -rf "$tree/.git"
if grep -q '^git$' "$fx/expect"; then
    (cd "$tree" && git init -q && git add -A $kit &&
        git -c user.name=fixture -c user.email=fixture@localhost \
            commit -q -m fixture) || {
        echo "fixture: cannot make $tree a git checkout"; exit 1; }
fi
# the fixture's hidden tests, if any, beside the copy
rm -rf "$tree.hidden"
[ ! -d "$fx/hidden" ] || cp -R "$fx/hidden" "$tree.hidden"
# the grading programs built afresh, in a directory grade.sh has not seen
rm -rf "$tree/build/grade"

# The processes whose command line, working directory or program lies in
# the grading's temporary directory $marks, or whose program is one the
# grading built: "PID COMMAND" a line
left_of() {
    for p in /proc/[0-9]*; do
        { c=$(tr '\0' ' ' <"$p/cmdline"); } 2>/dev/null || continue
        w=$(readlink "$p/cwd" 2>/dev/null)
        e=$(readlink "$p/exe" 2>/dev/null)
        case "$c|$w|$e|" in
        *"$marks"*|*"|$tree/build/"*"|") echo "${p#/proc/} $c" ;;
        esac
    done
}

grade_and_check() {
    rm -rf "$out"
    marks=""
    if grep -q '^noleft$' "$fx/expect"; then
        # short: the session daemons' sockets are made below it, and a
        # socket's path has at most 107 bytes
        marks=$(mktemp -d /tmp/fx.XXXXXX) || exit 1
        chmod 0755 "$marks"
        trap 'rm -rf "$marks"' EXIT
    fi
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${marks:+TMPDIR="$marks"} \
        ${budget:+GRADE_BUDGET="$budget"} make --no-print-directory \
        -C "$tree" -j2 grade EX="$n" GRADE_OUT="$out" \
        ${only:+GRADE_TESTS="$only"} \
        $([ -d "$tree.hidden" ] && echo GRADE_HIDDEN="$tree.hidden") \
        >"$out.log" 2>&1 || {
        echo "fixture: make grade exited $?${runs:+ (run $run of $runs)}:" \
            "$(tail -n 3 "$out.log")"; exit 1; }
    if [ -n "$marks" ]; then
        # a process killed at the end may take a moment to go: wait for
        # each, within a bound, before calling it left behind
        left_of | while read -r pid cmd; do
            timeout 10 tail --pid="$pid" -f /dev/null
        done
        left=$(left_of | head -n 3 | cut -c1-200)
        [ -z "$left" ] || {
            echo "fixture: left behind by the grading: $left" | tr '\n' ' '
            exit 1; }
    fi

    # closed to every other uid, the tests' included (grade.sh)
    [ "$(stat -c %a "$out")" = 700 ] || {
        echo "fixture: $out is mode $(stat -c %a "$out"), not 0700"; exit 1; }
    json=$out/results.json
    jq -e '(.score | type) == "number" and (.max_score | type) == "number"
           and (.output | type) == "string"
           and .score == ([.tests[].score] | add)
           and all(.tests[]; (.name | type) == "string"
                   and (.output | type) == "string"
                   and (.max_score == 0 or
                        .status == (if .score == .max_score then "passed"
                                    else "failed" end)))' "$json" >/dev/null || {
        echo "fixture: $json is not valid results.json"; exit 1; }
    prove --exec cat "$out/results.tap" >"$out.prove" 2>&1 ||
        grep -q '^Result: FAIL' "$out.prove" || {
        echo "fixture: results.tap is not TAP: $(tail -n 3 "$out.prove")"
        exit 1; }

    status_of() {   # TEST: passed, failed or nothing
        jq -r --arg t "$ex/$1" '.tests[] | select(.name == $t) | .status' "$json"
    }
    grep -v '^#' "$fx/expect" | while read -r what test words; do
        if [ "$what" = asroot ] || [ "$what" = asuser ]; then
            if [ "$(id -u)" = 0 ]; then
                [ "$what" = asroot ] || continue
            else
                [ "$what" = asuser ] || continue
            fi
            what=$test test=${words%% *} words=${words#"$test"}
            words=${words# }
        fi
        case "$what" in
        score)
            got=$(jq '.score' "$json")
            [ "$got" = "$test" ] || {
                echo "$ex scored $got, expected $test:" \
                     "$(jq -r '.tests[] | select(.status == "failed") |
                              .name + ": " + (.output | split("\n")[1])' \
                              "$json" | head -n 3 | tr '\n' ' ')"
                exit 1; } ;;
        pass)
            [ "$(status_of "$test")" = passed ] || {
                echo "$test: expected to pass: $(jq -r --arg t "$ex/$test" \
                    '.tests[] | select(.name == $t) | .output' "$json" |
                    head -n 2 | tr '\n' ' ')"
                exit 1; } ;;
        fail)
            [ "$(status_of "$test")" = failed ] || {
                echo "$test: expected to fail, got '$(status_of "$test")'"
                exit 1; }
            [ -z "$words" ] || jq -r --arg t "$ex/$test" \
                '.tests[] | select(.name == $t) | .output' "$json" |
                grep -qF -- "$words" || {
                echo "$test: its output lacks '$words': $(jq -r --arg t \
                    "$ex/$test" '.tests[] | select(.name == $t) | .output' \
                    "$json" | head -n 2 | tr '\n' ' ')"
                exit 1; } ;;
        log)
            grep -qF -- "$words" "$out/log/$n-$test.log" || {
                echo "$test: its log lacks '$words'"; exit 1; } ;;
        nolog)
            ! grep -qF -- "$words" "$out/log/$n-$test.log" || {
                echo "$test: its log has '$words'"; exit 1; } ;;
        nooutput)
            ! jq -r '.output' "$json" | grep -qF -- "$test${words:+ $words}" || {
                echo "results.json's output has '$test${words:+ $words}'"
                exit 1; } ;;
        nosecret)
            [ -r "$test" ] || continue
            grep -v '^[[:space:]]*$' "$test" >"$out.secret" || continue
            ! grep -rqaF -f "$out.secret" "$out" "$out.log" || {
                rm -f "$out.secret"
                echo "a line of $test is in the grading's output"; exit 1; }
            rm -f "$out.secret" ;;
        tests|repeat|git|budget|noleft|"") ;;
        *) echo "fixture: $fx/expect: what is '$what'?"; exit 1 ;;
        esac
    done
}

only=$(sed -n 's/^tests  *//p' "$fx/expect" | head -n 1)
budget=$(sed -n 's/^budget  *\([0-9][0-9]*\).*/\1/p' "$fx/expect" | head -n 1)
runs=$(sed -n 's/^repeat  *\([0-9][0-9]*\).*/\1/p' "$fx/expect" | head -n 1)
run=1
while :; do
    ( grade_and_check ) || {
        [ -z "$runs" ] || echo "(in run $run of $runs)"
        exit 1; }
    [ "$run" -lt "${runs:-1}" ] || break
    run=$((run + 1))
done
