# shellcheck shell=bash disable=SC2034
# Network configuration: the JSON on stdin becomes CFG_* shell variables. Strings holding control
# characters (or values of the wrong JSON type) become a lone \001 so that validation rejects them.
# Nothing read here is ever evaluated as code.
# Two readers fill the same CFG_* variables: a small JSON reader in bash (jp_parse) for the common,
# simple configuration, so that the usual ADD/DEL does not pay for starting jq, and jq for anything
# else (cfg_jq_load). The bash reader accepts only a strict subset: nested objects whose values are
# strings without escapes or control characters, integers, true and null. Anything else (arrays,
# escapes, fractions, false, keys with dots, ...) makes it give up, and the input goes to jq, which
# then decides (and reports malformed JSON). Then the configuration is resolved once (cfg_resolve:
# every check and every derived value).
# Globals (the resolved configuration; beside them only the constants JP_WS JP_FLAT CFG_INVALID DEFAULT_BRIDGE):
#   CFG_* of CFG_FIELDS, CFG_IPAM_KIND, CFG_PARSED, CFG_ERROR  the parsed configuration (cfg_parse)
#   BRIDGE MTU LAB_IPAM                                       bash-cni's own (cfg_resolve_link)
#   IPAM_DIR IPAM_INDEX_DIR IPAM_LOCK_TIMEOUT                 the store (cfg_resolve_store)
#   IPAM_NET IPAM_PREFIX IPAM_BCAST IPAM_GW IPAM_START IPAM_END IPAM_GATEWAY   the range (cfg_resolve_range)
#   CFG_ROUTE_LIST CFG_HAS_DEFAULT_ROUTE                      the routes (cfg_route_list)
#   JP_VAL JP_TYPE                                            the bash reader's parse (jp_parse)

# layout: json
declare -A JP_VAL=() JP_TYPE=()
# A flat object of string members: {"key": "value", ...} (keys without dots; no backslashes, no controls).
JP_WS=$' \t\r\n'
JP_FLAT="\"[^\"\\.[:cntrl:]]+\"[$JP_WS]*:[$JP_WS]*\"[^\"\\[:cntrl:]]*\""
JP_FLAT="^[$JP_WS]*[{][$JP_WS]*(${JP_FLAT}[$JP_WS]*,[$JP_WS]*)*${JP_FLAT}[$JP_WS]*[}][$JP_WS]*\$"

# jp_parse TEXT: succeeds if TEXT is one object within the subset. A flat object of string members
# (the lab form) is one match: its keys and values are then the odd fields of TEXT split at its
# quotes (word splitting, no process); anything else goes to jp_parse_general.
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

# layout: json-extra < json
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

# layout: config
CFG_INVALID=$'\001'
CFG_PARSED=""            # the fields of CFG_FIELDS are filled (cfg_parse)
CFG_ERROR=()             # why cfg_parse could not fill them: code, message, details
DEFAULT_BRIDGE=cni0

# The configuration's fields, one row each: the variable, where the bash reader (cfg_fast_load) finds
# it, and the jq expression of the jq reader (cfg_jq_load). Both readers fill exactly these variables
# (and CFG_IPAM_KIND: none, object or bad) from this table and from nothing else.
# Where the bash reader finds it, in jp_parse's JP_VAL (which holds what jq's "str" prints):
#   KEY     the top-level KEY
#   @KEY    KEY of the ipam section when there is one, else the top-level KEY
#   ^KEY    as @KEY, but the top-level KEY when the ipam section has none or null (jq's "A // B")
#   +KEY    KEY of the ipam section; "" without one
#   =TEXT   TEXT: the bash reader gives up on what would fill it (arrays, prevResult, dotted keys)
# The jq expressions use the definitions (str, word, obj; cfg_jq_defs) and the bindings of the jq
# program (cfg_jq_load): $ik the ipam kind, $i the ipam section or the top level, $r the first range
# of "ranges", $routes the routes or null when they are not a list of {dst, gw?}, $p prevResult, $pips
# its ips, $pif its interfaces, $ifname CNI_IFNAME. The prevResult address is the first of the ips whose
# interface is CNI_IFNAME (a chained prevResult lists other plugins' ips too), else the first.
CFG_FIELDS=(
    CFG_VERSION            cniVersion     '.cniVersion | str'
    CFG_NAME               name           '.name | str'
    CFG_TYPE               type           '.type | str'
    CFG_IPAM_TYPE          +type          'if $ik == "object" then ($i.type | str) else "" end'
    CFG_SUBNET             @subnet        '$i.subnet // $r.subnet | str'
    CFG_RANGE_START        @rangeStart    '$i.rangeStart // $r.rangeStart | str'
    CFG_RANGE_END          @rangeEnd      '$i.rangeEnd // $r.rangeEnd | str'
    CFG_GATEWAY            @gateway       '$i.gateway // $r.gateway | str'
    CFG_DATA_DIR           ^dataDir       '$i.dataDir // .dataDir | str'
    CFG_ROUTES_JSON        '=[]'          'if $routes == null then "\u0001" else ($routes | map({dst} + (if .gw then {gw} else {} end)) | tojson) end'
    CFG_ROUTES             '='            'if $routes == null then "\u0001" else ($routes | map("\(.dst | word)|\(.gw | word)") | join(" ")) end'
    CFG_BRIDGE             bridge         '.bridge | str'
    CFG_MTU                mtu            '.mtu | str'
    CFG_LOG_FILE           logFile        '.logFile | str'
    CFG_LOG_LEVEL          logLevel       '.logLevel | str'
    CFG_LOCK_TIMEOUT       ^lockTimeout   '$i.lockTimeout // .lockTimeout | str'
    CFG_DNS_JSON           '={}'          'if (.dns | type) == "object" then (.dns | tojson) else "{}" end'
    CFG_HAS_PREV           '='            'if (.prevResult | type) == "object" then "1" else "" end'
    CFG_PREV_ADDRESS       '='            '$pips | map(select((.address | type) == "string")) | (map(select((.interface | type) == "number" and (($pif[.interface] // {}) | obj | .name) == $ifname)) + .) | (.[0] // {}) | .address | str'
    CFG_PREV_GATEWAY       '='            '$pips | map(select((.address | type) == "string")) | (map(select((.interface | type) == "number" and (($pif[.interface] // {}) | obj | .name) == $ifname)) + .) | (.[0] // {}) | .gateway | str'
    CFG_PREV_MAC           '='            '$p.interfaces | if type == "array" then (map(obj | select(.name == $ifname and (.sandbox // "") != "")) | (.[0] // {}) | .mac | str) else "" end'
    CFG_PREV_ROUTES        '='            '$p.routes | if type == "array" then (map(obj | "\(.dst | word)|\(.gw | word)") | join(" ")) else "" end'
    CFG_VALID_ATTACHMENTS  '='            '.["cni.dev/valid-attachments"] // [] | if type == "array" then (map(obj | "\(.containerID | word):\(.ifname | word)") | map(select(test("\u0001") | not)) | join(" ")) else "\u0001" end'
)

# cfg_parse [fast]: fill the fields of CFG_FIELDS from CNI_STDIN, once (a call before validation
# may have done it already): the bash reader for simple configurations (cfg_fast_load), else jq (cfg_jq_load;
# not with "fast"). 1 = not done: CFG_ERROR = the error it is (code, message, details).
# shellcheck disable=SC2120  # "fast" is passed from another file
cfg_parse() {
    [[ -z "$CFG_PARSED" ]] || return 0
    CFG_ERROR=(6 "failed to decode the network configuration: stdin is empty" "")
    [[ "$CNI_STDIN" == *[![:space:]]* ]] || return 1
    if ! cfg_fast_load; then
        [[ "${1:-}" != fast ]] || return 1
        cfg_jq_load || return 1
    fi
    CFG_PARSED=1
}

# cfg_load: parse CNI_STDIN (cfg_parse); code 6 when it is not one JSON object. The log settings
# apply from here on, even if validation fails.
cfg_load() {
    cfg_parse || cni_error "${CFG_ERROR[@]}"
    cfg_apply_log_settings
}

# Logging settings apply from here on, even if validation fails.
cfg_apply_log_settings() {
    if [[ -n "$CFG_LOG_FILE" && "$CFG_LOG_FILE" != "$CFG_INVALID" ]]; then
        CNI_LOG_FILE="$CFG_LOG_FILE"
    fi
    [[ "$CFG_LOG_LEVEL" == debug ]] && CNI_LOG_LEVEL=debug
    return 0
}

# cfg_fast_load: the jq-free path for simple configurations (see jp_parse); fails if jq is needed.
# Fills the fields of CFG_FIELDS from JP_VAL as its second column says.
cfg_fast_load() {
    local i="" k key v
    jp_parse "$CNI_STDIN" || return 1
    [[ -z "${JP_TYPE[dns]+set}${JP_TYPE[routes]+set}${JP_TYPE[ranges]+set}${JP_TYPE[prevResult]+set}" &&
        -z "${JP_TYPE[ipam.dns]+set}${JP_TYPE[ipam.routes]+set}${JP_TYPE[ipam.ranges]+set}" &&
        -z "${JP_TYPE["cni.dev/valid-attachments"]+set}" ]] || return 1
    case "${JP_TYPE[ipam]:-z}" in
        z) CFG_IPAM_KIND=none ;;
        o) CFG_IPAM_KIND=object; i=ipam. ;;
        *) CFG_IPAM_KIND=bad ;;
    esac
    for (( k = 0; k < ${#CFG_FIELDS[@]}; k += 3 )); do
        key="${CFG_FIELDS[k+1]}"
        case "$key" in
            =*) v="${key:1}" ;;
            @*) v="${JP_VAL[$i${key:1}]-}" ;;
            ^*)
                v="${JP_VAL[${key:1}]-}"
                [[ "${JP_TYPE[$i${key:1}]:-z}" == z ]] || v="${JP_VAL[$i${key:1}]}" ;;
            +*)
                v=""
                [[ -z "$i" ]] || v="${JP_VAL[$i${key:1}]-}" ;;
            *) v="${JP_VAL[$key]-}" ;;
        esac
        printf -v "${CFG_FIELDS[k]}" '%s' "$v"
    done
    return 0
}

# layout: config-extra < config
# cfg_jq_defs VAR: VAR = the jq definitions every jq program of the plugin shares (the configuration's,
# delegate.sh's): str (a string without control characters, a number or boolean as text, "" for
# null, else \001), word (str without blanks, "|" or ":", which separate the fields of a line; else
# \001) and obj (an object, else {}).
cfg_jq_defs() {
    printf -v "$1" '%s' 'def str: if type == "string" then (if (explode | any(. < 32 or . == 127)) then "\u0001" else . end)
  elif type == "number" or type == "boolean" then tostring
  elif . == null then "" else "\u0001" end;
def word: str | if test("[\\s|:]") then "\u0001" else . end;
def obj: if type == "object" then . else {} end;
'
}

# cfg_jq_load: read CNI_STDIN with jq (1 when it is not one JSON object: CFG_ERROR): one jq run prints
# CFG_IPAM_KIND, then the value of every field of CFG_FIELDS, one a line, then END.
cfg_jq_load() {
    local out program defs fields="" k n
    local -a v
    if ! type -P jq >/dev/null; then
        CFG_ERROR=(100 "jq is required to read this network configuration but is not installed" "")
        return 1
    fi
    for (( k = 2; k < ${#CFG_FIELDS[@]}; k += 3 )); do
        fields+="  (${CFG_FIELDS[k]}),"$'\n'
    done
    cfg_jq_defs defs
    # shellcheck disable=SC2016  # jq program, not shell
    program="$defs"'if type != "object" then error("the network configuration is not a JSON object") else . end
| (if .ipam == null then "none" elif (.ipam | type) == "object" then "object" else "bad" end) as $ik
| (if $ik == "object" then .ipam else . end) as $i
| (if $ik == "object" and ($i.ranges | type) == "array"
     then ($i.ranges[0] | if type == "array" then (.[0] | obj) else {} end) else {} end) as $r
| ($i.routes // (if $ik == "object" then null else .routes end) // []) as $rt
| (if ($rt | type) == "array"
      and all($rt[]; type == "object" and (.dst | type) == "string" and (.gw == null or (.gw | type) == "string"))
     then $rt else null end) as $routes
| (.prevResult | obj) as $p
| ($p.ips | if type == "array" then map(obj) else [] end) as $pips
| ($p.interfaces | if type == "array" then . else [] end) as $pif
| $ik,
'"$fields"'  "END"'
    if ! out=$(exec jq -r --arg ifname "${CNI_IFNAME:-}" "$program" 2>&1 <<<"$CNI_STDIN"); then
        CFG_ERROR=(6 "failed to decode the network configuration" "${out//$'\n'/ }")
        return 1
    fi
    mapfile -t v <<<"$out"
    n=$(( ${#CFG_FIELDS[@]} / 3 ))
    if (( ${#v[@]} != n + 2 )) || [[ "${v[n+1]}" != END ]]; then
        CFG_ERROR=(6 "failed to decode the network configuration: expected exactly one JSON object" "")
        return 1
    fi
    CFG_IPAM_KIND="${v[0]}"
    for (( k = 0; k < n; k++ )); do
        printf -v "${CFG_FIELDS[k*3]}" '%s' "${v[k+1]}"
    done
}

# layout: resolve
# LAB_IPAM = the plugin allocates the address itself (bash-cni-ipam always; bash-cni without an
# "ipam" section, the lab form).
LAB_IPAM=""

# cfg_resolve WORD...: the configuration resolved once, as host-local's LoadIPAMConfig
# (plugins/ipam/host-local/backend/allocator/config.go) does it: every check, every derived value.
# First stdin is parsed (cfg_load), its cniVersion taken when supported (errors are then reported in
# it), the environment checked (the words id, ifname, netns, netns-strict, netns-any, see
# cni_check_env), then the version, the name and the ipam section (codes 1, 7); then each part the
# command names, in the order it names them:
#   link        bash-cni's bridge and MTU (BRIDGE, MTU)
#   since:V     the command exists from config version V on (code 1)
#   prev        CHECK: a prevResult with an address
#   attachments GC: cni.dev/valid-attachments is a list
#   store       where the store is and its lock timeout (IPAM_DIR, IPAM_INDEX_DIR, IPAM_LOCK_TIMEOUT)
#   range       the subnet, the range and the gateway (IPAM_NET IPAM_PREFIX IPAM_BCAST IPAM_GW
#               IPAM_START IPAM_END as integers, IPAM_GATEWAY dotted)
#   routes      the routes (CFG_ROUTE_LIST: "dst|gw" words, CFG_HAS_DEFAULT_ROUTE)
# A part written lab:PART is resolved only when the plugin allocates itself (LAB_IPAM).
cfg_resolve() {
    local w rank
    local -a env=() parts=()
    for w in "$@"; do
        case "$w" in
            id | ifname | netns | netns-strict | netns-any) env+=("$w") ;;
            *) parts+=("$w") ;;
        esac
    done
    cfg_load
    cni_version_rank rank "$CFG_VERSION"
    (( rank == 0 )) || CNI_VERSION="$CFG_VERSION"
    cni_check_env "${env[@]}"
    cfg_check_common
    LAB_IPAM=""
    [[ "$CFG_IPAM_KIND" == none || "${BASH_CNI_PLUGIN:-}" == bash-cni-ipam ]] && LAB_IPAM=1
    for w in "${parts[@]}"; do
        if [[ "$w" == lab:* ]]; then
            [[ -n "$LAB_IPAM" ]] || continue
            w="${w#lab:}"
        fi
        case "$w" in
            link) cfg_resolve_link ;;
            since:*) cni_require_version "${w#since:}" "$CNI_COMMAND" ;;
            prev)
                if [[ -z "$CFG_HAS_PREV" || -z "$CFG_PREV_ADDRESS" ]]; then
                    cni_error 7 "invalid network config: CHECK needs a prevResult with an address"
                fi ;;
            attachments)
                if [[ "$CFG_VALID_ATTACHMENTS" == "$CFG_INVALID" ]]; then
                    cni_error 7 "invalid network config: \"cni.dev/valid-attachments\" must be a list"
                fi ;;
            store) cfg_resolve_store ;;
            range) cfg_resolve_range ;;
            routes)
                if [[ "$CFG_ROUTES_JSON" == "$CFG_INVALID" ]]; then
                    cni_error 7 "invalid network config: \"routes\" must be a list of {\"dst\": CIDR, \"gw\": address}"
                fi
                cfg_route_list CFG_ROUTE_LIST CFG_HAS_DEFAULT_ROUTE "$CFG_ROUTES" ;;
            *) cni_error 100 "internal error: cfg_resolve has no part \"$w\"" ;;
        esac
    done
    return 0
}

# cfg_check_common: version and network name (code 1 / 7).
cfg_check_common() {
    cni_check_version "$CFG_VERSION"
    if [[ -z "$CFG_NAME" ]]; then
        cni_error 7 "invalid network config: \"name\" is missing"
    fi
    if ! cni_valid_id "$CFG_NAME"; then
        cni_error 7 "invalid network config: \"name\" must match ^[a-zA-Z0-9][a-zA-Z0-9_.-]*\$"
    fi
    if [[ "$CFG_IPAM_KIND" == bad ]]; then
        cni_error 7 "invalid network config: \"ipam\" must be an object"
    fi
}

# cfg_resolve_link: BRIDGE and MTU (code 7).
cfg_resolve_link() {
    BRIDGE="${CFG_BRIDGE:-$DEFAULT_BRIDGE}"
    if ! cni_valid_ifname "$BRIDGE"; then
        cni_error 7 "invalid network config: \"bridge\" is not a valid interface name"
    fi
    MTU="$CFG_MTU"
    if [[ -n "$MTU" ]] && [[ "$MTU" != [1-9]* || "$MTU" == *[!0-9]* || ${#MTU} -gt 5 ]] ||
        (( ${MTU:-1500} < 68 || ${MTU:-1500} > 65535 )); then
        cni_error 7 "invalid network config: \"mtu\" must be an integer between 68 and 65535"
    fi
}

# cfg_resolve_store: the store's directory (dataDir + name) and its lock timeout (code 7).
cfg_resolve_store() {
    local data_dir="${CFG_DATA_DIR:-$IPAM_DEFAULT_DATA_DIR}"
    if [[ "$data_dir" == "$CFG_INVALID" ]]; then
        cni_error 7 "invalid network config: \"dataDir\" must be a path"
    fi
    IPAM_DIR="${data_dir%/}/$CFG_NAME"
    IPAM_INDEX_DIR="$IPAM_DIR/.ids"
    IPAM_LOCK_TIMEOUT="${CFG_LOCK_TIMEOUT:-$IPAM_DEFAULT_LOCK_TIMEOUT}"
    if [[ ! "$IPAM_LOCK_TIMEOUT" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
        cni_error 7 "invalid network config: \"lockTimeout\" must be a number of seconds"
    fi
}

# cfg_route_list LIST_VAR DEFAULT_VAR "dst|gw ...": check every route {dst: CIDR, gw?: address}
# (code 7); LIST_VAR = the array of "dst|gw", DEFAULT_VAR = 1 when one of them is a default route.
# Used for the configuration's routes and for those of a delegated IPAM's result.
cfg_route_list() {
    local -n cfg_list_="$1"
    local r dst gw gw_int def=""
    cfg_list_=()
    for r in $3; do
        dst="${r%%|*}"
        gw="${r#*|}"
        if ! ipv4_parse_cidr "$dst" || (( CIDR_ADDR != CIDR_NET )); then
            cni_error 7 "invalid network config: route dst \"$dst\" is not an IPv4 network"
        fi
        if [[ -n "$gw" ]] && ! ipv4_to_int gw_int "$gw"; then
            cni_error 7 "invalid network config: route gw \"$gw\" is not an IPv4 address"
        fi
        (( CIDR_PREFIX == 0 )) && def=1
        cfg_list_+=("$dst|$gw")
    done
    printf -v "$2" '%s' "$def"
}

# layout: ipam-add < ipam
# cfg_resolve_range: the subnet, the range and the gateway (code 7), as host-local's
# LoadIPAMConfig canonicalizes its range (range.go, Canonicalize).
cfg_resolve_range() {
    local net
    if [[ -z "$CFG_SUBNET" ]]; then
        cni_error 7 "invalid network config: \"subnet\" is missing"
    fi
    if ! ipv4_parse_cidr "$CFG_SUBNET"; then
        cni_error 7 "invalid network config: subnet \"$CFG_SUBNET\" is not an IPv4 CIDR"
    fi
    if (( CIDR_PREFIX > 30 )); then
        cni_error 7 "invalid network config: subnet $CFG_SUBNET is too small (/31 and /32 leave no usable address)"
    fi
    if (( CIDR_PREFIX < 1 )); then
        cni_error 7 "invalid network config: subnet $CFG_SUBNET is too large"
    fi
    if (( CIDR_ADDR != CIDR_NET )); then
        ipv4_from_int net "$CIDR_NET"
        cni_error 7 "invalid network config: subnet $CFG_SUBNET has host bits set (network is $net/$CIDR_PREFIX)"
    fi
    IPAM_NET="$CIDR_NET"
    IPAM_PREFIX="$CIDR_PREFIX"
    IPAM_BCAST="$CIDR_BCAST"
    IPAM_GW=$(( IPAM_NET + 1 ))
    IPAM_START=$(( IPAM_NET + 1 ))
    IPAM_END=$(( IPAM_BCAST - 1 ))
    [[ -z "$CFG_GATEWAY" ]] || cfg_range_address IPAM_GW gateway "$CFG_GATEWAY"
    [[ -z "$CFG_RANGE_START" ]] || cfg_range_address IPAM_START rangeStart "$CFG_RANGE_START"
    [[ -z "$CFG_RANGE_END" ]] || cfg_range_address IPAM_END rangeEnd "$CFG_RANGE_END"
    if (( IPAM_START > IPAM_END )); then
        cni_error 7 "invalid network config: rangeStart is after rangeEnd"
    fi
    ipv4_from_int IPAM_GATEWAY "$IPAM_GW"
    # The kernel refuses a next hop in 0.0.0.0/8 ("this network") or 224.0.0.0/4 (multicast): the pod's default route
    # would fail half way through ADD (0.0.0.0/1's computed gateway 0.0.0.1, for one).
    if (( IPAM_GW >> 24 == 0 || IPAM_GW >> 28 == 14 )); then
        cni_error 7 "invalid network config: gateway $IPAM_GATEWAY is in 0.0.0.0/8 or 224.0.0.0/4, which the kernel refuses as a next hop"
    fi
}

# cfg_range_address VAR FIELD VALUE: VAR = VALUE as an integer inside the subnet's usable part (code 7).
cfg_range_address() {
    local n
    if ! ipv4_to_int n "$3"; then
        cni_error 7 "invalid network config: $2 \"$3\" is not an IPv4 address"
    fi
    if (( n <= IPAM_NET || n >= IPAM_BCAST )); then
        cni_error 7 "invalid network config: $2 $3 is outside the usable part of $CFG_SUBNET"
    fi
    printf -v "$1" '%s' "$n"
}
