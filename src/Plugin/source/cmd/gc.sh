# shellcheck shell=bash disable=SC2034
# GC (config 1.1.0 or later): release every reservation whose owner is not in
# cni.dev/valid-attachments. The store's part (ipam_gc_store) is shared by bash-cni's built-in IPAM
# and bash-cni-ipam.

# layout: bash-cni-extra < bash-cni
cmd_gc() {
    cfg_resolve link since:1.1.0 attachments lab:store
    if [[ -n "$LAB_IPAM" ]]; then
        ipam_gc_store "$CFG_VALID_ATTACHMENTS"
    else
        delegate_run GC "$CFG_IPAM_TYPE" || delegate_fail GC
    fi
    CNI_EMITTED=1
    cni_log ok
}

# layout: ipam-extra < ipam
# ipam_gc_store VALID: release every reservation not in VALID ("id:ifname" words), under the lock.
ipam_gc_store() {
    local removed
    if [[ -d "$IPAM_DIR" ]]; then
        ipam_lock
        ipam_gc removed "$1"
        ipam_unlock
        CNI_LOG_DETAIL="removed=$removed"
    fi
}

# ipam_cmd_gc: GC of bash-cni-ipam.
ipam_cmd_gc() {
    cfg_resolve since:1.1.0 attachments store
    ipam_gc_store "$CFG_VALID_ATTACHMENTS"
    CNI_EMITTED=1
    cni_log ok
}
