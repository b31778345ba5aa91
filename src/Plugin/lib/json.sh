# shellcheck shell=bash disable=SC2034
# A small JSON reader for the common, simple network configuration, so that the usual ADD/DEL
# does not pay for starting jq. It accepts only a strict subset: nested objects whose values are
# strings without escapes or control characters, integers, true and null. Anything else (arrays,
# escapes, fractions, false, keys with dots, ...) makes it give up, and the caller hands the
# input to jq, which then decides (and reports malformed JSON).
# Result: JP_TYPE[path] (s string, n number, t true, z null, o object) and JP_VAL[path] (the text
# of a string or number, "true", "" for null, \001 for an object); path = keys joined with ".".

declare -A JP_VAL=() JP_TYPE=()
# A flat object of string members: {"key": "value", ...} (keys without dots; no escapes, no controls).
JP_WS=$' \t\r\n'
JP_FLAT="\"[^\".[:cntrl:]]+\"[$JP_WS]*:[$JP_WS]*\"[^\"[:cntrl:]]*\""
JP_FLAT="^[$JP_WS]*[{][$JP_WS]*(${JP_FLAT}[$JP_WS]*,[$JP_WS]*)*${JP_FLAT}[$JP_WS]*[}][$JP_WS]*\$"

# jp_parse TEXT: succeeds if TEXT is one object within the subset. Without escapes every quote opens
# or closes a string, so TEXT is split at its quotes (word splitting, no process): the odd fields
# are the strings (keys and string values), the even ones the "glue" between them, which holds the
# structure and the other values. A flat configuration takes a few dozen steps.
jp_parse() {
    local text="$1" g p q path="" key="" want=key n i num IFS='"'
    local -a f
    JP_VAL=()
    JP_TYPE=()
    q="${text//[!\"]/}"
    [[ "$text" != *\\* ]] && (( ${#q} % 2 == 0 )) || return 1
    set -f
    # shellcheck disable=SC2206  # split at the quotes on purpose (IFS is ", globbing off)
    f=($text)
    set +f
    n=${#f[@]}
    if [[ "$text" =~ $JP_FLAT ]]; then
        # One level of "key": "string" pairs (the lab form): keys and values alternate.
        for (( i = 1; i < n; i += 4 )); do
            JP_VAL["${f[i]}"]="${f[i+2]}"
            JP_TYPE["${f[i]}"]=s
        done
        return 0
    fi
    for (( i = 0; i < n; i++ )); do
        p="${f[i]}"
        if (( i % 2 )); then
            # A string: a key, or the value of the key before it.
            [[ "$p" != *[[:cntrl:]]* ]] || return 1
            if [[ "$want" == key ]]; then
                [[ -n "$p" && "$p" != *.* ]] || return 1
                key="${path:+$path.}$p"
                want=sep
            elif [[ "$want" == value ]]; then
                JP_VAL["$key"]="$p"
                JP_TYPE["$key"]=s
                want=after
            else
                return 1
            fi
            continue
        fi
        # Glue. Valid JSON never has two words separated only by blanks here.
        [[ "$p" != *[[:alnum:]][$' \t\r\n']*[[:alnum:]]* ]] || return 1
        g="${p//[$' \t\r\n']/}"
        case "$want" in
            key)
                # Only the opening brace comes before the first key ("{}" is a whole object).
                (( i == 0 )) && [[ "$g" == '{'* ]] || return 1
                g="${g:1}"
                [[ -n "$g" ]] || continue
                [[ "$g" == '}'* ]] || return 1 ;;
            sep)
                [[ "$g" == :* ]] || return 1
                g="${g:1}"
                case "$g" in
                    '') want=value; continue ;;
                    '{')
                        JP_TYPE["$key"]=o
                        JP_VAL["$key"]=$'\001'
                        path="$key"
                        want=key
                        continue ;;
                    '{}'*) JP_TYPE["$key"]=o; JP_VAL["$key"]=$'\001'; g="${g:2}" ;;
                    true*) JP_TYPE["$key"]=t; JP_VAL["$key"]=true; g="${g:4}" ;;
                    null*) JP_TYPE["$key"]=z; JP_VAL["$key"]=""; g="${g:4}" ;;
                    [-0-9]*)
                        # -?(0|[1-9][0-9]*), not followed by a fraction or an exponent.
                        num="${g%%[!0-9-]*}"
                        g="${g:${#num}}"
                        p="${num#-}"
                        [[ -n "$p" && "$p" != *-* && ( "$p" == 0 || "$p" != 0* ) && "$g" != [.eE]* ]] || return 1
                        JP_TYPE["$key"]=n
                        JP_VAL["$key"]="$num" ;;
                    *) return 1 ;;
                esac ;;
        esac
        # After a value: closing braces (each ends an object), then a comma before the next key,
        # or nothing more at all once the outer object is closed (path ".").
        while [[ "$g" == '}'* ]]; do
            g="${g:1}"
            case "$path" in
                .) return 1 ;;
                "") path=. ;;
                *.*) path="${path%.*}" ;;
                *) path="" ;;
            esac
        done
        if [[ "$g" == , && "$path" != . ]]; then
            want=key
        elif [[ -z "$g" && "$path" == . ]] && (( i == n - 1 )); then
            return 0
        else
            return 1
        fi
    done
    return 1
}
