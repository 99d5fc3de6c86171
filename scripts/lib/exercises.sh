# scripts/lib/exercises.sh - the exercises a --ex list names, and the
# hidden tests' layout, for grade.sh and grade-autograder.sh alike.
#
# check_hidden PROGRAM DIR: a hidden test (.c, .sh) of DIR where none is
# looked for (DIR/4/, DIR/x.c: not DIR/NN/ of an exercise NN) is a usage
# error, not one test fewer graded.
#
# select_exercises PROGRAM [WORD...]: sets $exercises to the
# "exercises/NN-name" that the WORDs name (4, 04 or 04-name), or every
# exercise when there is none; a WORD that names none is a usage error
# (PROGRAM's message, exit status 2), not one exercise fewer.

# names_exercise WORD DIR: does WORD name the exercise DIR?
names_exercise() {
    n=${2##*/}
    [ "$1" = "$n" ] || [ "$1" = "${n%%-*}" ] || [ "0$1" = "${n%%-*}" ]
}

select_exercises() {
    se_prog=$1
    shift
    exercises=""
    for d in exercises/[0-9][0-9]-*; do
        [ -f "$d/README.md" ] || continue
        keep=""
        [ $# -gt 0 ] || keep=1
        for e in "$@"; do
            if names_exercise "$e" "$d"; then keep=1; fi
        done
        [ -z "$keep" ] || exercises="$exercises $d"
    done
    for e in "$@"; do
        found=""
        for d in $exercises; do
            if names_exercise "$e" "$d"; then found=1; fi
        done
        [ -n "$found" ] || { echo "$se_prog: no exercise '$e' (--ex)" >&2
                             exit 2; }
    done
}

check_hidden() {
    ch_stray=$(cd "$2" && find . -type f \( -name '*.c' -o -name '*.sh' \) |
        while IFS= read -r t; do
            n=${t#./}
            case "$t" in ./[0-9][0-9]/*/*) ;; ./[0-9][0-9]/*)
                ls -d "$OLDPWD/exercises/${n%%/*}"-* >/dev/null 2>&1 &&
                    continue ;;
            esac
            echo "$n"; break
        done)
    [ -z "$ch_stray" ] || {
        echo "$1: hidden test '$2/$ch_stray' is not in DIR/NN/ of an" \
            "exercise NN (docs/instructor.md, Add hidden tests)" >&2
        exit 2; }
}
