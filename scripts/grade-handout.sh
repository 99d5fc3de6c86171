#!/bin/sh
# scripts/grade-handout.sh - the student handout: 'make handout' runs it.
#
#   scripts/grade-handout.sh OUT.tar.gz
#
# Packs the kit as students get it into OUT.tar.gz, one top directory
# 'ipclab/': everything they need to build, run the labs, do the
# exercises and grade them ('make grade'), and nothing that gives the
# answers away or is the instructor's:
#
#   left out: exercises/*/solution/ (the reference solutions),
#             tests/grading/ (it grades those solutions),
#             docs/instructor.md (the instructor's guide),
#             build directories, .git, .ci, results of earlier gradings
#
# It refuses to write a tarball that still holds any of those.
set -eu
. "$(dirname "$0")/lib/help.sh"
script_help "$@"

[ $# -eq 1 ] && case $1 in ''|-*) false ;; esac || { echo "usage: $0 OUT.tar.gz" >&2; exit 2; }
out=$1
[ -f Makefile ] && [ -d exercises ] || {
    echo "grade-handout.sh: run me from the kit's top directory" >&2; exit 2; }

# what a student gets: the top-level files and directories that exist
include=""
for p in Makefile README.md .editorconfig include src mk scripts traces \
         tests labs exercises docs bench; do
    [ -e "$p" ] && include="$include $p"
done

mkdir -p "$(dirname "$out")"
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# --exclude patterns match anywhere below the listed directories
tar -czf "$tmp" --owner=0 --group=0 --numeric-owner \
    --exclude='exercises/*/solution' \
    --exclude='tests/grading' \
    --exclude='docs/instructor.md' \
    --exclude='build' --exclude='build-*' \
    --exclude='grade-results*' --exclude='*.o' --exclude='*.d' \
    --exclude='*~' --exclude='.*.swp' \
    --transform='s,^,ipclab/,' $include

# never hand out an answer: check what went in
if tar -tzf "$tmp" |
        grep -E '/solution/|^ipclab/tests/grading/|^ipclab/docs/instructor.md'
then
    echo "grade-handout.sh: the files above must not be handed out" >&2
    exit 1
fi
mv "$tmp" "$out"
trap - EXIT
echo "handout: $out ($(tar -tzf "$out" | wc -l) files;" \
     "unpack, then 'make grade' in ipclab/)"
