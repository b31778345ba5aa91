# shellcheck shell=bash disable=SC2034
# ADD. bash-cni (cmd_add): the configuration, the early start adopted or undone, the mark, the pair
# (by a background helper), the address (built-in store or delegated plugin), the pod end, the result.
# bash-cni-ipam (ipam_cmd_add): the address alone.

# layout: add < bash-cni
cni_source ipam-add

# result_routes VAR ROUTES_JSON DEFAULT GATEWAY: VAR = the routes of the result: ROUTES_JSON, after
# the default route via GATEWAY when DEFAULT says it was added (and not skipped: LINK_DEFAULT_SKIPPED).
result_routes() {
    local def=""
    if [[ -n "$3" && -z "${LINK_DEFAULT_SKIPPED:-}" ]]; then
        def="{\"dst\":\"0.0.0.0/0\",\"gw\":\"$4\"}"
    fi
    if [[ -z "$def" ]]; then
        printf -v "$1" '%s' "$2"
    elif [[ "$2" == "[]" ]]; then
        printf -v "$1" '%s' "[$def]"
    else
        printf -v "$1" '%s' "[$def,${2#[}"
    fi
}

# result_after_prev VAR RESULT: VAR = RESULT appended to the configuration's prevResult (bash-cni
# chained after another plugin): the earlier interfaces, ips and routes first, this attachment's ips
# pointing at its interfaces' new indices, dns from prevResult when this config has none (CNI spec
# 1.0.0, ADD: a plugin given a prevResult must pass it through or modify it appropriately).
result_after_prev() {
    local out=""
    out="$(exec jq -c --argjson r "$2" '(.prevResult.interfaces // []) as $pi | .prevResult as $p
        | $r | .interfaces = $pi + .interfaces
        | .ips = ($p.ips // []) + [.ips[] | .interface += ($pi | length)]
        | .routes = ($p.routes // []) + .routes
        | .dns = (if .dns == {} then ($p.dns // {}) else .dns end)' <<<"$CNI_STDIN")" ||
        cni_error 100 "cannot append the result to prevResult" "$out"
    printf -v "$1" '%s' "$out"
}

# ADD, after the reference bridge plugin's cmdAdd (plugins/main/bridge/bridge.go): the configuration
# resolved once; then each acquisition followed at once by the undo step that gives it back (a failure
# runs them newest first, see undo.sh): the mark, the pair (a background helper creates it and then
# waits in the pod namespace as the `ip` of the pod end), the address (built-in store, whose lock the
# helper takes first; or the delegated plugin); then the pod end's MAC, address and routes, and the
# result. Host end MAC: 0e:58 + the 4 bytes of the name hash (known before the address is).
# What early_start began before (early.sh) is adopted or undone by early_adopt, right after cfg_resolve.
cmd_add() {
    local host hmac mark lock_fd="" lock_status pod_mac ips netns_json routes_json dns_json def="" result
    local adopted="" has_default
    local -a routes
    cfg_resolve id ifname netns link lab:routes store lab:range
    early_adopt lock_fd && adopted=1
    link_host_name host "$CNI_CONTAINERID" "$CNI_IFNAME"
    link_host_mac hmac "$CNI_CONTAINERID" "$CNI_IFNAME"
    mark_path mark
    [[ -n "$adopted" ]] || mark_begin "$mark"
    undo_push add_undo_mark
    if [[ -z "$adopted" ]]; then
        [[ -z "$LAB_IPAM" ]] || ipam_lock_open lock_fd "$IPAM_DIR" || lock_fd=""
        link_spawn "$host" "$hmac" "$CNI_IFNAME" "$BRIDGE" "$MTU" "$CNI_NETNS" "$lock_fd" "$IPAM_LOCK_TIMEOUT"
    fi
    undo_push add_undo_link
    if [[ -n "$LAB_IPAM" ]]; then
        if [[ -n "$lock_fd" ]]; then
            link_pod_lock_status lock_status
            ipam_lock_taken "$lock_fd" "$lock_status"
        else
            ipam_lock
        fi
        ipam_allocate "$CNI_CONTAINERID" "$CNI_IFNAME" "$MARK"
        undo_push add_undo_address
        ipam_unlock
        routes=("${CFG_ROUTE_LIST[@]}")
        has_default="$CFG_HAS_DEFAULT_ROUTE"
        routes_json="$CFG_ROUTES_JSON"
        dns_json="$CFG_DNS_JSON"
    else
        delegate_run ADD "$CFG_IPAM_TYPE" || delegate_fail ADD
        undo_push add_undo_address
        delegate_parse_result || cni_error 100 "the ipam plugin returned no usable IPv4 address" "${DELEGATE_OUT//$'\n'/ }"
        cfg_route_list routes has_default "$DELEGATE_ROUTES"
        routes_json="$DELEGATE_ROUTES_JSON"
        dns_json="$DELEGATE_DNS_JSON"
    fi
    [[ -n "$has_default" || -z "$IPAM_GATEWAY" ]] || def=1
    CNI_LOG_DETAIL="ip=$IPAM_ADDRESS/$IPAM_PREFIX"
    link_finish_veth
    ipv4_mac pod_mac 0a:58 "$IPAM_IP"
    link_setup_pod "$CNI_NETNS" "$CNI_IFNAME" "$IPAM_ADDRESS/$IPAM_PREFIX" "$pod_mac" "$IPAM_GATEWAY" "$def" "${routes[@]}"
    undo_clear
    mark_end
    ipam_ips_json ips "$IPAM_ADDRESS" 2
    cni_json_string netns_json "$CNI_NETNS"
    result_routes routes_json "$routes_json" "$def" "$IPAM_GATEWAY"
    result="{\"cniVersion\":\"$CNI_VERSION\",\"interfaces\":[{\"name\":\"$BRIDGE\",\"mac\":\"$LINK_BR_MAC\"},{\"name\":\"$host\",\"mac\":\"$hmac\"},{\"name\":\"$CNI_IFNAME\",\"mac\":\"$pod_mac\",\"sandbox\":$netns_json}],\"ips\":$ips,\"routes\":$routes_json,\"dns\":$dns_json}"
    [[ -z "$CFG_HAS_PREV" ]] || result_after_prev result "$result"
    cni_emit "$result"
    cni_log ok
}

# layout: ipam-add < ipam
# ipam_cmd_add: ADD of bash-cni-ipam.
ipam_cmd_add() {
    local ips
    cfg_resolve id ifname routes store range
    ipam_lock
    ipam_allocate "$CNI_CONTAINERID" "$CNI_IFNAME"
    ipam_unlock
    CNI_LOG_DETAIL="ip=$IPAM_ADDRESS/$IPAM_PREFIX"
    ipam_ips_json ips "$IPAM_ADDRESS"
    cni_emit "{\"cniVersion\":\"$CNI_VERSION\",\"ips\":$ips,\"routes\":$CFG_ROUTES_JSON,\"dns\":$CFG_DNS_JSON}"
    cni_log ok
}

# ipam_ips_json VAR ADDRESS [INTERFACE_INDEX]: VAR = the "ips" list for this result version.
ipam_ips_json() {
    local version_field="" iface="" rank
    cni_version_rank rank "$CNI_VERSION"
    (( rank >= 10000 )) || version_field='"version":"4",'
    [[ -n "${3:-}" ]] && iface=",\"interface\":$3"
    printf -v "$1" '%s' "[{$version_field\"address\":\"$2/$IPAM_PREFIX\",\"gateway\":\"$IPAM_GATEWAY\"$iface}]"
}
