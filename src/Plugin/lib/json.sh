# shellcheck shell=bash disable=SC2034
# A small JSON reader for the common, simple network configuration, so that the usual ADD/DEL
# does not pay for starting jq. It accepts only a strict subset: nested objects whose values are
# strings without escapes or control characters, integers, true and null. Anything else (arrays,
# escapes, fractions, false, keys with dots, ...) makes it give up, and the caller hands the
# input to jq, which then decides (and reports malformed JSON).
# Result: JP_TYPE[path] (s string, n number, t true, z null, o object) and JP_VAL[path] (the text
# of a string or number, "true", "" for null, \001 for an object); path = keys joined with ".".

declare -A JP_VAL=() JP_TYPE=()
# A flat object of string members: {"key": "value", ...} (keys without dots; no backslashes, no controls).
JP_WS=$' \t\r\n'
JP_FLAT="\"[^\"\\.[:cntrl:]]+\"[$JP_WS]*:[$JP_WS]*\"[^\"\\[:cntrl:]]*\""
JP_FLAT="^[$JP_WS]*[{][$JP_WS]*(${JP_FLAT}[$JP_WS]*,[$JP_WS]*)*${JP_FLAT}[$JP_WS]*[}][$JP_WS]*\$"

# jp_parse TEXT: succeeds if TEXT is one object within the subset. A flat object of string members
# (the lab form) is one match: its keys and values are then the odd fields of TEXT split at its
# quotes (word splitting, no process); anything else goes to jp_parse_general (json-extra.sh).
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
