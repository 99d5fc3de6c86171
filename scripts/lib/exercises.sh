# scripts/lib/exercises.sh - the exercises a --ex list names, for
# grade.sh and grade-autograder.sh alike.
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
