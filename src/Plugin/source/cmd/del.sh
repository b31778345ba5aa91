# shellcheck shell=bash disable=SC2034
# DEL. bash-cni (cmd_del): the pair and the address (waiting first for a killed ADD's processes when
# the attachment is marked). bash-cni-ipam (ipam_cmd_del): the address alone.

# layout: del < bash-cni
cni_source link-del
cni_source ipam-del

# DEL: the host end is deleted (by a background `ip`, usually started by early_del) while the
# address is released. A marked attachment (an ADD runs or was killed) waits for that ADD's
# processes, then deletes once more.
cmd_del() {
    local link_failed="" host mark released
    cfg_resolve id ifname link store
    mark_path mark
    link_host_name host "$CNI_CONTAINERID" "$CNI_IFNAME"
    if [[ -n "$mark" && -s "$mark" ]]; then
        link_finish_del || true
        mark_wait_orphans
        link_del "$host" || link_failed=1
    else
        early_del_adopt "$host" || link_spawn_del "$host"
    fi
    if [[ -n "$LAB_IPAM" ]]; then
        if [[ -d "$IPAM_DIR" ]]; then
            ipam_lock
            ipam_release released "$CNI_CONTAINERID" "$CNI_IFNAME" "$mark"
            ipam_unlock
            CNI_LOG_DETAIL="released=${released:-none}"
        fi
    else
        delegate_run DEL "$CFG_IPAM_TYPE" || delegate_fail DEL
        if [[ -n "$mark" && -e "$mark" ]]; then
            rm -f -- "$mark" 2>/dev/null || true
        fi
    fi
    link_finish_del || link_failed=1
    if [[ -n "$link_failed" ]]; then
        cni_error 100 "cannot delete $host" "${LINK_ERR//$'\n'/ }"
    fi
    CNI_EMITTED=1
    cni_log ok
}

# layout: ipam-del < ipam
# ipam_cmd_del: DEL of bash-cni-ipam.
ipam_cmd_del() {
    local released
    cfg_resolve id ifname store
    if [[ -d "$IPAM_DIR" ]]; then
        ipam_lock
        ipam_release released "$CNI_CONTAINERID" "$CNI_IFNAME"
        ipam_unlock
        CNI_LOG_DETAIL="released=${released:-none}"
    fi
    CNI_EMITTED=1
    cni_log ok
}
