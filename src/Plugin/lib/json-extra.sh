# shellcheck shell=bash disable=SC2034
# The general reader of json.sh (nested objects, numbers, true, null), sourced on first use (see
# cni_lazy). The subset and the results are described in json.sh.

# jp_parse_general TEXT: jp_parse for anything but a flat object. Without escapes every quote opens
# or closes a string, so TEXT is split at its quotes (word splitting, no process): the odd fields
# are the strings (keys and string values), the even ones the "glue" between them, which holds the
# structure and the other values. A flat configuration takes a few dozen steps.
jp_parse_general() {
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
