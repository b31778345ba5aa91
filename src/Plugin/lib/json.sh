# shellcheck shell=bash disable=SC2034
# A small JSON reader for the common, simple network configuration, so that the usual ADD/DEL
# does not pay for starting jq. It accepts only a strict subset: nested objects whose values are
# strings without escapes or control characters, integers, true and null. Anything else (arrays,
# escapes, fractions, false, keys with dots, ...) makes it give up, and the caller hands the
# input to jq, which then decides (and reports malformed JSON).
# Result: JP_VAL[path] and JP_TYPE[path] (s string, n number, t true, z null, o object),
# path = keys joined with ".".

declare -A JP_VAL=() JP_TYPE=()
JP_S=""
JP_POS=0
JP_RE_WS=$'^[ \t\n\r]+'
JP_RE_STR='^"([^"\\[:cntrl:]]*)"'
JP_RE_NUM='^-?(0|[1-9][0-9]*)'

jp_ws() {
    if [[ "${JP_S:JP_POS:4}" == [$' \t\n\r']* && "${JP_S:JP_POS}" =~ $JP_RE_WS ]]; then
        JP_POS=$(( JP_POS + ${#BASH_REMATCH[0]} ))
    fi
    return 0
}

# jp_value PATH: parse one value at JP_POS; 1 = outside the subset.
jp_value() {
    local path="$1" c key rest
    c="${JP_S:JP_POS:1}"
    case "$c" in
        '{')
            JP_POS=$(( JP_POS + 1 ))
            [[ -z "$path" ]] || JP_TYPE["$path"]=o
            jp_ws
            if [[ "${JP_S:JP_POS:1}" == '}' ]]; then
                JP_POS=$(( JP_POS + 1 ))
                return 0
            fi
            while :; do
                [[ "${JP_S:JP_POS}" =~ $JP_RE_STR ]] || return 1
                key="${BASH_REMATCH[1]}"
                [[ -n "$key" && "$key" != *.* ]] || return 1
                JP_POS=$(( JP_POS + ${#BASH_REMATCH[0]} ))
                jp_ws
                [[ "${JP_S:JP_POS:1}" == : ]] || return 1
                JP_POS=$(( JP_POS + 1 ))
                jp_ws
                jp_value "${path:+$path.}$key" || return 1
                jp_ws
                c="${JP_S:JP_POS:1}"
                JP_POS=$(( JP_POS + 1 ))
                case "$c" in
                    ,) jp_ws ;;
                    '}') return 0 ;;
                    *) return 1 ;;
                esac
            done ;;
        '"')
            [[ "${JP_S:JP_POS}" =~ $JP_RE_STR ]] || return 1
            JP_VAL["$path"]="${BASH_REMATCH[1]}"
            JP_TYPE["$path"]=s
            JP_POS=$(( JP_POS + ${#BASH_REMATCH[0]} )) ;;
        t | n)
            rest="${JP_S:JP_POS:4}"
            case "$rest" in
                true) JP_TYPE["$path"]=t; JP_VAL["$path"]=true ;;
                null) JP_TYPE["$path"]=z; JP_VAL["$path"]="" ;;
                *) return 1 ;;
            esac
            JP_POS=$(( JP_POS + 4 )) ;;
        [-0-9])
            [[ "${JP_S:JP_POS:24}" =~ $JP_RE_NUM ]] || return 1
            JP_VAL["$path"]="${BASH_REMATCH[0]}"
            JP_TYPE["$path"]=n
            JP_POS=$(( JP_POS + ${#BASH_REMATCH[0]} ))
            [[ "${JP_S:JP_POS:1}" != [.eE0-9] ]] || return 1 ;;
        *) return 1 ;;
    esac
    return 0
}

# jp_parse TEXT: succeeds if TEXT is one object within the subset.
jp_parse() {
    JP_S="$1"
    JP_POS=0
    JP_VAL=()
    JP_TYPE=()
    jp_ws
    [[ "${JP_S:JP_POS:1}" == '{' ]] || return 1
    jp_value "" || return 1
    jp_ws
    (( JP_POS == ${#JP_S} ))
}

# jp_str PATH: REPLY = the value as the jq reader's "str" would print it.
jp_str() {
    case "${JP_TYPE["$1"]:-z}" in
        s | n | t) REPLY="${JP_VAL["$1"]}" ;;
        z) REPLY="" ;;
        *) REPLY=$'\001' ;;
    esac
}

# jp_alt PATH1 PATH2: jq's "PATH1 // PATH2" for the subset (null/missing falls through).
jp_alt() {
    if [[ "${JP_TYPE["$1"]:-z}" != z ]]; then
        jp_str "$1"
    else
        jp_str "$2"
    fi
}
