# shellcheck shell=bash disable=SC2034
# A small JSON reader for the common, simple network configuration, so that the usual ADD/DEL
# does not pay for starting jq. It accepts only a strict subset: nested objects whose values are
# strings without escapes or control characters, integers, true and null. Anything else (arrays,
# escapes, fractions, false, keys with dots, ...) makes it give up, and the caller hands the
# input to jq, which then decides (and reports malformed JSON).
# Result: JP_TYPE[path] (s string, n number, t true, z null, o object) and JP_VAL[path] (the text
# of a string or number, "true", "" for null, \001 for an object); path = keys joined with ".".
# The reader consumes JP_S from the front with pattern expansions only (no regular expression:
# bash compiles one on every match, which costs more than the whole parse).

declare -A JP_VAL=() JP_TYPE=()
JP_S=""
JP_WS=$' \t\n\r'

# jp_ws: drop leading JSON whitespace from JP_S.
jp_ws() {
    if [[ "$JP_S" == ["$JP_WS"]* ]]; then
        JP_S="${JP_S#"${JP_S%%[!"$JP_WS"]*}"}"
    fi
    return 0
}

# jp_string: REPLY = the string at the front of JP_S (consumed); 1 = not a string of the subset.
jp_string() {
    local v="${JP_S#\"}"
    v="${v%%\"*}"
    [[ "$JP_S" == "\"$v\""* && "$v" != *[\\[:cntrl:]]* ]] || return 1
    JP_S="${JP_S:${#v}+2}"
    REPLY="$v"
}

# jp_value PATH: parse one value at the front of JP_S; 1 = outside the subset.
jp_value() {
    local path="$1" key n
    case "$JP_S" in
        '{'*)
            JP_S="${JP_S:1}"
            if [[ -n "$path" ]]; then
                JP_TYPE["$path"]=o
                JP_VAL["$path"]=$'\001'
            fi
            jp_ws
            if [[ "$JP_S" == '}'* ]]; then
                JP_S="${JP_S:1}"
                return 0
            fi
            while :; do
                [[ "$JP_S" == '"'* ]] && jp_string || return 1
                key="$REPLY"
                [[ -n "$key" && "$key" != *.* ]] || return 1
                jp_ws
                [[ "$JP_S" == :* ]] || return 1
                JP_S="${JP_S:1}"
                jp_ws
                jp_value "${path:+$path.}$key" || return 1
                jp_ws
                case "$JP_S" in
                    ,*) JP_S="${JP_S:1}"; jp_ws ;;
                    '}'*) JP_S="${JP_S:1}"; return 0 ;;
                    *) return 1 ;;
                esac
            done ;;
        '"'*)
            jp_string || return 1
            JP_VAL["$path"]="$REPLY"
            JP_TYPE["$path"]=s ;;
        true*) JP_TYPE["$path"]=t; JP_VAL["$path"]=true; JP_S="${JP_S:4}" ;;
        null*) JP_TYPE["$path"]=z; JP_VAL["$path"]=""; JP_S="${JP_S:4}" ;;
        [-0-9]*)
            # -?(0|[1-9][0-9]*), not followed by a fraction or an exponent.
            n="${JP_S%%[!0-9-]*}"
            JP_S="${JP_S:${#n}}"
            key="${n#-}"
            [[ -n "$key" && "$key" != *-* && ( "$key" == 0 || "$key" != 0* ) && "$JP_S" != [.eE]* ]] || return 1
            JP_VAL["$path"]="$n"
            JP_TYPE["$path"]=n ;;
        *) return 1 ;;
    esac
    return 0
}

# jp_parse TEXT: succeeds if TEXT is one object within the subset.
jp_parse() {
    JP_S="$1"
    JP_VAL=()
    JP_TYPE=()
    jp_ws
    [[ "$JP_S" == '{'* ]] || return 1
    jp_value "" || return 1
    jp_ws
    [[ -z "$JP_S" ]]
}
