# shellcheck shell=bash disable=SC2034
# ADD. bash-cni (cmd_add): the configuration, the host end's name and MAC, the mark, the pair (by a
# background helper), the address (built-in store or delegated plugin), the pod end, the result.
# bash-cni-ipam (ipam_cmd_add): the address alone.

# layout: add < bash-cni
cni_source ipam-add

# result_routes: REPLY = routes of the result (default route via the gateway first, if it was added).
result_routes() {
    local def=""
    if [[ -z "$CFG_HAS_DEFAULT_ROUTE" && -n "$IPAM_GATEWAY" && -z "${LINK_DEFAULT_SKIPPED:-}" ]]; then
        def="{\"dst\":\"0.0.0.0/0\",\"gw\":\"$IPAM_GATEWAY\"}"
    fi
    if [[ -z "$def" ]]; then
        REPLY="$CFG_ROUTES_JSON"
    elif [[ "$CFG_ROUTES_JSON" == "[]" ]]; then
        REPLY="[$def]"
    else
        REPLY="[$def,${CFG_ROUTES_JSON#[}"
    fi
}

# result_after_prev RESULT: REPLY = RESULT appended to the configuration's prevResult (bash-cni chained
# after another plugin): the earlier interfaces, ips and routes first, this attachment's ips pointing at
# its interfaces' new indices, dns from prevResult when this config has none (CNI spec 1.0.0, ADD: a
# plugin given a prevResult must pass it through or modify it appropriately).
result_after_prev() {
    REPLY=""
    REPLY="$(exec jq -c --argjson r "$1" '(.prevResult.interfaces // []) as $pi | .prevResult as $p
        | $r | .interfaces = $pi + .interfaces
        | .ips = ($p.ips // []) + [.ips[] | .interface += ($pi | length)]
        | .routes = ($p.routes // []) + .routes
        | .dns = (if .dns == {} then ($p.dns // {}) else .dns end)' <<<"$CNI_STDIN")" ||
        cni_error 100 "cannot append the result to prevResult" "$REPLY"
}

# ADD: the pair is created by a background `ip` while the address is reserved (store lock,
# allocation; or the delegated ipam plugin), then the `ip` waiting in the pod namespace gives the
# pod end its MAC, address and routes. Host end MAC: 0e:58 + the 4 bytes of the name hash (known
# before the address is). early_start may have begun all of this already.
cmd_add() {
    local pod_mac host_mac ips netns_json
    IPAM_GATEWAY=""
    load_config id ifname netns
    if [[ -n "$LAB_IPAM" ]]; then
        cfg_check_routes
        ipam_prepare
    else
        ipam_prepare_store
    fi
    link_host_name "$CNI_CONTAINERID" "$CNI_IFNAME"
    HOST_IF="$REPLY"
    link_host_mac "$CNI_CONTAINERID" "$CNI_IFNAME"
    host_mac="$REPLY"
    mark_begin
    link_start_veth "$HOST_IF" "$host_mac" "$CNI_IFNAME" "$BRIDGE" "$MTU" "$CNI_NETNS"
    if [[ -n "$LAB_IPAM" ]]; then
        ipam_lock
        ipam_allocate "$CNI_CONTAINERID" "$CNI_IFNAME" "$MARK"
        undo_push add_undo_address
        ipam_unlock
    else
        delegate_run ADD "$CFG_IPAM_TYPE" || delegate_fail ADD
        undo_push add_undo_address
        delegate_parse_result || cni_error 100 "the ipam plugin returned no usable IPv4 address" "${DELEGATE_OUT//$'\n'/ }"
        cfg_check_routes
    fi
    CNI_LOG_DETAIL="ip=$IPAM_ADDRESS/$IPAM_PREFIX"
    link_finish_veth
    ipv4_mac 0a:58 "$IPAM_IP"
    pod_mac="$REPLY"
    link_setup_pod "$CNI_NETNS" "$CNI_IFNAME" "$IPAM_ADDRESS/$IPAM_PREFIX" "$pod_mac"
    undo_clear
    mark_end
    ipam_ips_json "$IPAM_ADDRESS" 2
    ips="$REPLY"
    cni_json_string "$CNI_NETNS"
    netns_json="$REPLY"
    result_routes
    if [[ -n "${CFG_HAS_PREV:-}" ]]; then
        result_after_prev "{\"cniVersion\":\"$CNI_VERSION\",\"interfaces\":[{\"name\":\"$BRIDGE\",\"mac\":\"$LINK_BR_MAC\"},{\"name\":\"$HOST_IF\",\"mac\":\"$host_mac\"},{\"name\":\"$CNI_IFNAME\",\"mac\":\"$pod_mac\",\"sandbox\":$netns_json}],\"ips\":$ips,\"routes\":$REPLY,\"dns\":$CFG_DNS_JSON}"
        cni_emit "$REPLY"
    else
        cni_emit "{\"cniVersion\":\"$CNI_VERSION\",\"interfaces\":[{\"name\":\"$BRIDGE\",\"mac\":\"$LINK_BR_MAC\"},{\"name\":\"$HOST_IF\",\"mac\":\"$host_mac\"},{\"name\":\"$CNI_IFNAME\",\"mac\":\"$pod_mac\",\"sandbox\":$netns_json}],\"ips\":$ips,\"routes\":$REPLY,\"dns\":$CFG_DNS_JSON}"
    fi
    cni_log ok
}

# layout: ipam-add < ipam
# ipam_cmd_add: ADD of bash-cni-ipam.
ipam_cmd_add() {
    cfg_load_checked id ifname
    cfg_check_routes
    ipam_prepare
    ipam_lock
    ipam_allocate "$CNI_CONTAINERID" "$CNI_IFNAME"
    ipam_unlock
    CNI_LOG_DETAIL="ip=$IPAM_ADDRESS/$IPAM_PREFIX"
    ipam_ips_json "$IPAM_ADDRESS"
    cni_emit "{\"cniVersion\":\"$CNI_VERSION\",\"ips\":$REPLY,\"routes\":$CFG_ROUTES_JSON,\"dns\":$CFG_DNS_JSON}"
    cni_log ok
}

# ipam_ips_json ADDRESS INTERFACE_INDEX: REPLY = the "ips" list for this result version.
ipam_ips_json() {
    local version_field="" iface=""
    cni_version_rank "$CNI_VERSION"
    (( REPLY < 10000 )) && version_field='"version":"4",'
    [[ -n "${2:-}" ]] && iface=",\"interface\":$2"
    REPLY="[{$version_field\"address\":\"$1/$IPAM_PREFIX\",\"gateway\":\"$IPAM_GATEWAY\"$iface}]"
}
