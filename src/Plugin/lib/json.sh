# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/json.sh: read at start
declare -A JP_VAL=() JP_TYPE=()
JP_WS=$' \t\r\n'
JP_FLAT="\"[^\"\\.[:cntrl:]]+\"[$JP_WS]*:[$JP_WS]*\"[^\"\\[:cntrl:]]*\""
JP_FLAT="^[$JP_WS]*[{][$JP_WS]*(${JP_FLAT}[$JP_WS]*,[$JP_WS]*)*${JP_FLAT}[$JP_WS]*[}][$JP_WS]*\$"
jp_parse() {
    local i IFS='"'
    local -a f
    JP_VAL=()
    JP_TYPE=()
    [[ "$1" =~ $JP_FLAT ]] || { jp_parse_general "$1"; return; }
    set -f
    # shellcheck disable=SC2206  # split at the quotes on purpose (IFS is ", globbing off)
    f=($1)
    set +f
    for (( i = 1; i < ${#f[@]}; i += 4 )); do
        JP_VAL["${f[i]}"]="${f[i+2]}"
        JP_TYPE["${f[i]}"]=s
    done
}
jp_parse_general() { cni_lazy json-extra jp_parse_general "$@"; }
