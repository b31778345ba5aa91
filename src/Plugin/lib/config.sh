# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/config.sh: read at start
CFG_INVALID=$'\001'
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
    local i=""
    jp_parse "$CNI_STDIN" || return 1
    [[ -z "${JP_TYPE[dns]+set}${JP_TYPE[routes]+set}${JP_TYPE[ranges]+set}${JP_TYPE[prevResult]+set}" &&
        -z "${JP_TYPE[ipam.dns]+set}${JP_TYPE[ipam.routes]+set}${JP_TYPE[ipam.ranges]+set}" ]] || return 1
    case "${JP_TYPE[ipam]:-z}" in
        z) CFG_IPAM_KIND=none ;;
        o) CFG_IPAM_KIND=object; i=ipam. ;;
        *) CFG_IPAM_KIND=bad ;;
    esac
    CFG_VERSION="${JP_VAL[cniVersion]-}"
    CFG_NAME="${JP_VAL[name]-}"
    CFG_TYPE="${JP_VAL[type]-}"
    CFG_IPAM_TYPE=""
    [[ -z "$i" ]] || CFG_IPAM_TYPE="${JP_VAL[ipam.type]-}"
    CFG_SUBNET="${JP_VAL[${i}subnet]-}"
    CFG_RANGE_START="${JP_VAL[${i}rangeStart]-}"
    CFG_RANGE_END="${JP_VAL[${i}rangeEnd]-}"
    CFG_GATEWAY="${JP_VAL[${i}gateway]-}"
    CFG_DATA_DIR="${JP_VAL[dataDir]-}"
    [[ "${JP_TYPE[${i}dataDir]:-z}" == z ]] || CFG_DATA_DIR="${JP_VAL[${i}dataDir]}"
    CFG_LOCK_TIMEOUT="${JP_VAL[lockTimeout]-}"
    [[ "${JP_TYPE[${i}lockTimeout]:-z}" == z ]] || CFG_LOCK_TIMEOUT="${JP_VAL[${i}lockTimeout]}"
    CFG_ROUTES_JSON="[]"
    CFG_ROUTES=""
    CFG_BRIDGE="${JP_VAL[bridge]-}"
    CFG_MTU="${JP_VAL[mtu]-}"
    CFG_LOG_FILE="${JP_VAL[logFile]-}"
    CFG_LOG_LEVEL="${JP_VAL[logLevel]-}"
    CFG_DNS_JSON="{}"
    CFG_HAS_PREV=""
    CFG_PREV_ADDRESS=""
    CFG_PREV_GATEWAY=""
    CFG_PREV_MAC=""
    CFG_PREV_ROUTES=""
    CFG_VALID_ATTACHMENTS=""
    [[ -z "${JP_TYPE["cni.dev/valid-attachments"]+set}" ]] || CFG_VALID_ATTACHMENTS=$'\001'
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
cfg_jq_load() { cni_lazy config-extra cfg_jq_load "$@"; }
