# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/ipam-del.sh: read on first use (stubs in lib/ipam.sh)
ipam_release() {
    local id="$1" ifn="$2" extra="${3:-}" idx ip changed line="" content
    local -a victims=()
    ipam_sync
    ipam_find "$id" "$ifn"
    if [[ -n "$extra" && -s "$extra" ]]; then
        { IFS= read -r line < "$extra"; } 2>/dev/null || true
        ip="${line#adding }"
        if [[ "$line" == "adding "* && -f "$IPAM_DIR/$ip" && "$ip" != */* ]]; then
            content=""
            { IFS= read -r -d '' content < "$IPAM_DIR/$ip"; } 2>/dev/null || true
            [[ -n "$content" && "$content" != "$id"$'\r\n' ]] || IPAM_FOUND+=("$ip")
        fi
    fi
    for ip in "${IPAM_FOUND[@]}"; do
        victims+=("$IPAM_DIR/$ip")
    done
    ipam_index_key "$id" "$ifn"
    idx="$REPLY"
    if [[ -n "$idx" && -e "$idx" ]]; then
        victims+=("$idx")
    fi
    changed="${#victims[@]}"
    if [[ -n "$extra" && -e "$extra" ]]; then
        victims+=("$extra")
    fi
    if (( ${#victims[@]} )); then
        rm -f -- "${victims[@]}" 2>/dev/null || cni_error 5 "cannot remove reservations in $IPAM_DIR"
        (( changed == 0 )) || ipam_mark_synced
    fi
    REPLY="${IPAM_FOUND[*]}"
}
ipam_cmd_del() {
    cfg_load_checked id ifname
    ipam_prepare_store
    if [[ -d "$IPAM_DIR" ]]; then
        ipam_lock
        ipam_release "$CNI_CONTAINERID" "$CNI_IFNAME"
        ipam_unlock
        CNI_LOG_DETAIL="released=${REPLY:-none}"
    fi
    CNI_EMITTED=1
    cni_log ok
}
