# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/json-extra.sh: read on first use (stubs in lib/json.sh)
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
        [[ "$p" != *[[:alnum:]][$' \t\r\n']*[[:alnum:]]* ]] || return 1
        g="${p//[$' \t\r\n']/}"
        case "$want" in
            key)
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
                        num="${g%%[!0-9-]*}"
                        g="${g:${#num}}"
                        p="${num#-}"
                        [[ -n "$p" && "$p" != *-* && ( "$p" == 0 || "$p" != 0* ) && "$g" != [.eE]* ]] || return 1
                        JP_TYPE["$key"]=n
                        JP_VAL["$key"]="$num" ;;
                    *) return 1 ;;
                esac ;;
        esac
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
