# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/del.sh: read on first use (stubs in lib/bash-cni.sh)
cni_source link-del
cni_source ipam-del
cmd_del() {
    local link_failed=""
    load_config id ifname
    ipam_prepare_store
    mark_path
    link_host_name "$CNI_CONTAINERID" "$CNI_IFNAME"
    HOST_IF="$REPLY"
    if [[ -n "$MARK" && -s "$MARK" ]]; then
        link_finish_del || true
        mark_wait_orphans
        link_del "$HOST_IF" || link_failed=1
    else
        link_start_del "$HOST_IF"
    fi
    if [[ -n "$LAB_IPAM" ]]; then
        if [[ -d "$IPAM_DIR" ]]; then
            ipam_lock
            ipam_release "$CNI_CONTAINERID" "$CNI_IFNAME" "$MARK"
            ipam_unlock
            CNI_LOG_DETAIL="released=${REPLY:-none}"
        fi
    else
        delegate_run DEL "$CFG_IPAM_TYPE" || delegate_fail DEL
        if [[ -n "$MARK" && -e "$MARK" ]]; then
            rm -f -- "$MARK" 2>/dev/null || true
        fi
    fi
    link_finish_del || link_failed=1
    if [[ -n "$link_failed" ]]; then
        cni_error 100 "cannot delete $HOST_IF" "${LINK_ERR//$'\n'/ }"
    fi
    CNI_EMITTED=1
    cni_log ok
}
