#!/bin/sh
# scripts/grade-autograder.sh - the Gradescope autograder: 'make
# autograder' runs it.
#
#   scripts/grade-autograder.sh [--ex NN[,NN...]] OUT.zip [HIDDEN-DIR]
#
# Packs into OUT.zip what Gradescope unpacks into /autograder/source:
# setup.sh and run_autograder at the top, beside the kit as the student
# handout has it (scripts/grade-handout.sh: no reference solutions, no
# instructor's guide), the handed-in files as handed out (skeletons/),
# and HIDDEN-DIR, if given, as hidden/. With --ex (make autograder
# EX=04) it takes and grades those exercises alone: one Gradescope
# assignment per exercise. On Gradescope setup.sh installs the Debian
# packages and builds the kit once; then run_autograder, for each
# submission:
#
#   - takes from /autograder/submission only the files each exercise's
#     MANIFEST names, found at any depth (of several of one name, the one
#     in a folder NN-name), regular files only, over the skeletons;
#   - runs 'make grade' and writes its results.json alone into
#     /autograder/results, beside Gradescope's stdout, its output
#     starting with what was taken and what was not found.
#
# AUTOGRADER_ROOT (default /autograder) moves that tree: to grade a batch
# of submissions locally (docs/instructor.md, "Grade locally"), for tests.
set -eu
. "$(dirname "$0")/lib/help.sh"
script_help "$@"

only=""
ex=""
if [ "${1:-}" = --ex ]; then ex=1; only=${2:-}; shift; shift $(($# > 0)); fi
# an --ex that names no exercise (missing, empty) would pack them all
case "$ex$(printf '%s' "$only" | tr -d ,)" in
*[!0-9a-z-]*|1) echo "grade-autograder.sh: --ex" \
    "'$only': exercise numbers (04, or 01,04) expected" >&2; exit 2 ;;
esac
[ $# -ge 1 ] && [ $# -le 2 ] && case $1 in ''|-*) false ;; esac || {
    echo "usage: $0 [--ex NN[,NN...]] OUT.zip [HIDDEN-DIR]" >&2; exit 2; }
out=$1
hidden=${2:-}
[ -f Makefile ] && [ -d exercises ] || {
    echo "grade-autograder.sh: run me from the kit's top directory" >&2
    exit 2; }
[ -z "$hidden" ] || [ -d "$hidden" ] || {
    echo "grade-autograder.sh: '$hidden' is not a directory" >&2; exit 2; }
command -v zip >/dev/null 2>&1 || {
    echo "grade-autograder.sh: 'zip' is missing (apt-get install zip)" >&2
    exit 1; }
# the exercises graded: all, or those --ex names, as grade.sh selects them
. scripts/lib/exercises.sh
select_exercises grade-autograder.sh $(echo "$only" | tr , ' ')
[ -z "$hidden" ] || check_hidden grade-autograder.sh "$hidden"
for ex in $exercises; do
    [ -f "$ex/MANIFEST" ] || {
        echo "grade-autograder.sh: $ex/MANIFEST is missing" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipclab-autograder.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# the kit, as the handout packs it minus what grading does not need
# the kit as students get it (scripts/grade-handout.sh), at the top
"$(dirname "$0")/grade-handout.sh" "$tmp/kit.tar.gz" >/dev/null
tar -xzf "$tmp/kit.tar.gz" -C "$tmp" --strip-components=1
rm "$tmp/kit.tar.gz"
[ -z "$hidden" ] || cp -R "$hidden" "$tmp/hidden"
# the handed-in files as handed out: what a file not submitted is graded as
for ex in $exercises; do
    mkdir -p "$tmp/skeletons/$ex"
    grep -v '^#' "$ex/MANIFEST" | while read -r f; do
        [ -z "$f" ] || cp "$tmp/$ex/$f" "$tmp/skeletons/$ex/$f"
    done
done

cat >"$tmp/setup.sh" <<'SETUP'
#!/bin/sh
# setup.sh - Gradescope runs it once, as root, to build the image: the
# Debian packages the kit needs, and the kit built once.
set -eu
cd "${AUTOGRADER_ROOT:-/autograder}/source"
apt-get update
IPCLAB_NO_DEPS=0 scripts/deps.sh
make -j2 programs
SETUP

{
    echo '#!/bin/sh'
    echo "# run_autograder - Gradescope runs it, as root, for each submission:"
    echo "# the files each exercise's MANIFEST names, taken from the"
    echo "# submission, graded into results/results.json"
    echo "# (scripts/grade-autograder.sh). The exercises graded:"
    echo "exercises='$exercises' only='$only'"
    cat <<'RUN'
set -u
root=${AUTOGRADER_ROOT:-/autograder}
res=$root/results
mkdir -p "$res"
cd "$root/source" || exit 1
# what was taken from the submission, or why not: the top of the
# student's output, before the grading's table
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM      # killed: the EXIT trap still removes it
# the submission's regular files, copied where a newline in a name is a
# '?': below, one name a line (one that cannot be copied is named)
sub=$tmp/sub
notes=$tmp/notes
(mkdir "$sub" && cd "$root/submission" && find . -type f -print0 |
    SUB=$sub perl -0 -MFile::Copy -MFile::Path=make_path -ne '
        chomp; (my $n = substr($_, 2)) =~ s/\n/?/g; my $to = "$ENV{SUB}/$n";
        eval { make_path($to =~ s{/[^/]*$}{}r); copy($_, $to) or die }
            or print "NOT READ: $n: cannot be copied to be graded\n"') \
    >"$tmp/unread" || exit 1
for ex in $exercises; do
    grep -v '^#' "$ex/MANIFEST" | while read -r f; do
        [ -n "$f" ] || continue
        # the skeleton's, unless the submission has it (a batch of
        # submissions graded in one tree: never the previous one's)
        cp "skeletons/$ex/$f" "$ex/$f" || exit 1
        # anywhere in the submission (a zip's top folder, a repository's
        # exercises/); of several, the one alone in a folder NN-name
        copies=$(cd "$sub" && find . -type f -name "$f" | cut -c3- | sort)
        n=$(printf '%s\n' "$copies" | grep -c .)
        found=$copies
        [ "$n" -le 1 ] ||
            found=$(printf '%s\n' "$copies" |
                grep "^\(.*/\)\{0,1\}${ex#exercises/}/$f\$")
        # copies all alike (of those in such folders, if any) are one
        [ -n "$found" ] || found=$copies
        if [ "$(printf '%s\n' "$found" | grep -c .)" -gt 1 ] &&
            [ "$(cd "$sub" && printf '%s\n' "$found" |
                 xargs -d '\n' md5sum -- | cut -d' ' -f1 | sort -u |
                 wc -l)" = 1 ]; then
            found=$(printf '%s\n' "$found" | head -n 1)
        fi
        if [ "$n" -gt 0 ] && [ "$(printf '%s\n' "$found" | grep -c .)" = 1 ] &&
                cp "$sub/$found" "$ex/$f"; then
            echo "taken: $found"
            [ "$n" = 1 ] || echo "  of your $n copies of $f (the one alone" \
                "in a folder ${ex#exercises/}, or alike); not graded:" \
                "$(printf '%s\n' "$copies" | grep -vxF -e "$found" |
                   tr '\n' ' ')"
        elif [ "$n" -gt 0 ]; then
            echo "NOT TAKEN: $f: $n copies in your submission, not one" \
                "alone in a folder ${ex#exercises/} nor all alike: the" \
                "skeleton's $f was graded;" \
                "the copies: $(printf '%s\n' "$copies" | tr '\n' ' ')"
        else
            echo "NOT FOUND: $f (exercise ${ex#exercises/}): the" \
                "skeleton's was graded"
        fi
    done || exit 1
done >"$notes"
cat "$tmp/unread" >>"$notes"
[ -n "$(find "$sub" -type f -name '*.zip')" ] &&
    echo "NOT UNPACKED: a .zip inside the submission: submit its files" >>"$notes"
grep -q '^NOT' "$notes" && echo "your submission holds:" \
    "$(cd "$sub" && find . -type f | cut -c3- | head -n 20 | tr '\n' ' ')" \
    >>"$notes"
cat "$notes"
# the hidden tests' place through the environment: no command line
[ ! -d hidden ] || export GRADE_HIDDEN="$root/source/hidden"
# graded apart: $res holds Gradescope's own files too (stdout: this output)
make grade GRADE_OUT="$tmp/out" EX="$only"
status=$?
if [ -s "$tmp/out/results.json" ] &&
    jq --rawfile notes "$notes" '.output = $notes + "\n" + .output' \
        "$tmp/out/results.json" >"$tmp/results.json" &&
    mv "$tmp/results.json" "$res/results.json"; then
    exit 0
fi
# no results: say so in Gradescope's format rather than leave nothing
jq -n --rawfile notes "$notes" \
    --arg why "make grade exited $status without results.json" \
    '{score: 0, output: ($notes + $why), tests: []}' >"$res/results.json"
exit 1
RUN
} >"$tmp/run_autograder"
chmod 0755 "$tmp/setup.sh" "$tmp/run_autograder"

mkdir -p "$(dirname "$out")"
rm -f "$out"
abs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
(cd "$tmp" && zip -qr "$abs" .)
if unzip -l "$out" | grep -E '/solution/|tests/grading/|docs/instructor'
then
    echo "grade-autograder.sh: the files above must not be packed" >&2
    rm -f "$out"
    exit 1
fi
echo "autograder: $out ($(unzip -l "$out" | tail -n 1 | awk '{print $2}')" \
     "files; upload it to Gradescope)"
