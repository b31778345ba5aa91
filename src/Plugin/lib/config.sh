# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/config.sh: read at start
CFG_INVALID=$'\001'
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
cfg_load() {
    if [[ "$CNI_STDIN" != *[![:space:]]* ]]; then
        cni_error 6 "failed to decode the network configuration: stdin is empty"
    fi
    cfg_fast_load || cfg_jq_load
    cfg_apply_log_settings
}
cfg_apply_log_settings() {
    if [[ -n "$CFG_LOG_FILE" && "$CFG_LOG_FILE" != "$CFG_INVALID" ]]; then
        CNI_LOG_FILE="$CFG_LOG_FILE"
    fi
    [[ "$CFG_LOG_LEVEL" == debug ]] && CNI_LOG_LEVEL=debug
    return 0
}
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
cfg_load_checked() {
    cfg_load
    cni_version_rank "$CFG_VERSION"
    (( REPLY > 0 )) && CNI_VERSION="$CFG_VERSION"
    cni_check_env "$@"
    cfg_check_common
}
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
cfg_check_routes() {
    local r dst gw
    CFG_ROUTE_LIST=()
    CFG_HAS_DEFAULT_ROUTE=""
    if [[ "$CFG_ROUTES_JSON" == "$CFG_INVALID" ]]; then
        cni_error 7 "invalid network config: \"routes\" must be a list of {\"dst\": CIDR, \"gw\": address}"
    fi
    for r in $CFG_ROUTES; do
        dst="${r%%|*}"
        gw="${r#*|}"
        if ! ipv4_parse_cidr "$dst" || (( CIDR_ADDR != CIDR_NET )); then
            cni_error 7 "invalid network config: route dst \"$dst\" is not an IPv4 network"
        fi
        if [[ -n "$gw" ]] && ! ipv4_to_int "$gw"; then
            cni_error 7 "invalid network config: route gw \"$gw\" is not an IPv4 address"
        fi
        (( CIDR_PREFIX == 0 )) && CFG_HAS_DEFAULT_ROUTE=1
        CFG_ROUTE_LIST+=("$dst|$gw")
    done
    return 0
}
cfg_jq_defs() { cni_lazy config-extra cfg_jq_defs "$@"; }
cfg_jq_load() { cni_lazy config-extra cfg_jq_load "$@"; }
