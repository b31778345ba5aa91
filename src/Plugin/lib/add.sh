# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/add.sh: read on first use (stubs in lib/bash-cni.sh)
mark_begin() {
    local begun="$MARK" begun_new="$MARK_NEW"
    mark_path
    if [[ -n "$begun" ]]; then
        if [[ "$MARK" == "$begun" ]]; then
            MARK_NEW="$begun_new"
            return 0
        fi
        mark_drop "$begun" "$begun_new"
    fi
    [[ -n "$MARK" ]] || return 0
    if [[ ! -d "$IPAM_INDEX_DIR" ]]; then
        mkdir -p -- "$IPAM_INDEX_DIR" 2>/dev/null || [[ -d "$IPAM_INDEX_DIR" ]] ||
            cni_error 5 "cannot create $IPAM_INDEX_DIR"
    fi
    mark_try_write "$MARK" || cni_error 5 "cannot write $MARK"
    [[ -n "$begun" ]] || undo_push add_undo_mark
}
mark_end() {
    [[ -z "$MARK" ]] || { : >| "$MARK"; } 2>/dev/null || true
}
cni_source ipam-add
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
result_after_prev() {
    REPLY=""
    REPLY="$(exec jq -c --argjson r "$1" '(.prevResult.interfaces // []) as $pi | .prevResult as $p
        | $r | .interfaces = $pi + .interfaces
        | .ips = ($p.ips // []) + [.ips[] | .interface += ($pi | length)]
        | .routes = ($p.routes // []) + .routes
        | .dns = (if .dns == {} then ($p.dns // {}) else .dns end)' <<<"$CNI_STDIN")" ||
        cni_error 100 "cannot append the result to prevResult" "$REPLY"
}
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
