# scripts/lib/help.sh - '-h' and '--help' for the kit's scripts.
#
# Sourced by a script right after 'set -eu'; 'script_help "$@"' then
# prints the script's header comment (its second line up to the first
# line that is not a comment, without the '# ') and exits 0 when the first
# argument is -h or --help, before the script touches anything.

# script_help [ARG...]
script_help() {
    case "${1:-}" in
    -h|--help)
        awk 'NR > 1 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "$0"
        exit 0 ;;
    esac
}
