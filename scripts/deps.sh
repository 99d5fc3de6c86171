#!/bin/sh
# scripts/deps.sh - install the Debian packages the kit needs, if missing.
#
# Run by 'make run', 'make check' and friends. As root it installs what is
# missing with apt-get; otherwise it prints the exact command and fails.
# Set IPCLAB_NO_DEPS=1 to skip the check (for example on another distro).
set -eu
. "$(dirname "$0")/lib/help.sh"
script_help "$@"

[ "${IPCLAB_NO_DEPS:-0}" = 1 ] && exit 0

# build: compilers and pkg-config; tracing: lttng-ust, lttng-tools;
# reading traces: babeltrace2; writing JSON (ipclab-trace chrome): json-c;
# tests: check, xmllint, rsvg-convert (the diagrams render), clang
# (fuzzing), valgrind (make memcheck), patch (the mutants); grading: jq
# (results.json), zip (make autograder)
packages="gcc make pkg-config liblttng-ust-dev lttng-tools babeltrace2
libbabeltrace2-dev libjson-c-dev check libxml2-utils librsvg2-bin clang
valgrind patch jq zip"

missing=""
for p in $packages; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
    *" installed") ;;
    *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "ipclab needs these Debian packages:$missing" >&2
    echo "Install them with:" >&2
    echo "    sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "+ apt-get install -y --no-install-recommends$missing" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends $missing >&2; then
    apt-get update >&2
    apt-get install -y --no-install-recommends $missing >&2
fi
