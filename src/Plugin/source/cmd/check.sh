# shellcheck shell=bash disable=SC2034
# CHECK (config 0.4.0 or later). bash-cni (cmd_check): the reservation, the host end on the bridge,
# the pod end against prevResult. bash-cni-ipam (ipam_cmd_check): the reservation alone. The store's
# part (ipam_check_holds) is shared.

# layout: bash-cni-extra < bash-cni
cmd_check() {
    local out ip_only host problems=()
    cfg_resolve id ifname netns-strict link since:0.4.0 prev lab:store lab:range
    ip_only="${CFG_PREV_ADDRESS%/*}"
    if [[ -n "$LAB_IPAM" ]]; then
        ipam_check_holds "$CNI_CONTAINERID" "$CNI_IFNAME" "$ip_only"
    else
        delegate_run CHECK "$CFG_IPAM_TYPE" || delegate_fail CHECK
    fi
    link_host_name host "$CNI_CONTAINERID" "$CNI_IFNAME"
    out="$(exec ip -o link show dev "$host" 2>&1)" || problems+=("host interface $host is missing")
    if [[ -n "$out" && ${#problems[@]} -eq 0 && "$out" != *" master $BRIDGE "* ]]; then
        problems+=("host interface $host is not attached to $BRIDGE")
    fi
    link_check_pod "$CNI_NETNS" "$CNI_IFNAME" "$CFG_PREV_ADDRESS" "$CFG_PREV_MAC" "$CFG_PREV_ROUTES"
    problems+=("${LINK_PROBLEMS[@]}")
    if (( ${#problems[@]} )); then
        local joined
        printf -v joined '%s; ' "${problems[@]}"
        cni_error 100 "CHECK failed: ${joined%; }"
    fi
    CNI_EMITTED=1
    cni_log ok
}

# layout: ipam-extra < ipam
# ipam_check_holds ID IFNAME [IP]: the attachment holds an address (code 3 if not); with IP, that one
# (code 100 if another).
ipam_check_holds() {
    local held
    ipam_lookup held "$1" "$2"
    if [[ -z "$held" ]]; then
        cni_error 3 "unknown container: $1/$2 holds no address in network $CFG_NAME"
    fi
    if [[ -n "${3:-}" && "$held" != "$3" ]]; then
        cni_error 100 "address mismatch: store has $held, prevResult says $3"
    fi
}

# ipam_cmd_check: CHECK of bash-cni-ipam.
ipam_cmd_check() {
    cfg_resolve id ifname since:0.4.0 store range
    ipam_check_holds "$CNI_CONTAINERID" "$CNI_IFNAME" "${CFG_PREV_ADDRESS%/*}"
    CNI_EMITTED=1
    cni_log ok
}
