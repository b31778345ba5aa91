# shellcheck shell=bash disable=SC2034
# STATUS (config 1.1.0 or later): code 50 unless an ADD could get an address now. The store's part
# (ipam_status) is shared by bash-cni's built-in IPAM and bash-cni-ipam.

# layout: bash-cni-extra < bash-cni
cmd_status() {
    cfg_resolve link since:1.1.0 lab:store lab:range
    if [[ -n "$LAB_IPAM" ]]; then
        ipam_status
    else
        delegate_run STATUS "$CFG_IPAM_TYPE" || delegate_fail STATUS
    fi
    CNI_EMITTED=1
    cni_log ok
}

# layout: ipam-extra < ipam
# ipam_status: code 50 unless an ADD could get an address now.
ipam_status() {
    local range
    if ! ipam_has_room; then
        ipam_range_text range
        cni_error 50 "not able to serve ADDs: no IP addresses available in range set: $range"
    fi
}

# ipam_cmd_status: STATUS of bash-cni-ipam.
ipam_cmd_status() {
    cfg_resolve since:1.1.0 store range
    ipam_status
    CNI_EMITTED=1
    cni_log ok
}
