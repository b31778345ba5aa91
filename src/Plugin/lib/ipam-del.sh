# shellcheck shell=bash disable=SC2034
# The releasing half of ipam.sh (DEL). Sourced when first needed (see cni_lazy); requires ipam.sh.

# ipam_release ID IFNAME [FILE]: free every address held by exactly this attachment (caller holds
# the lock); FILE (if it exists) is removed in the same step. REPLY = released addresses (space
# separated). Unknown attachments are not an error.
ipam_release() {
    local id="$1" ifn="$2" extra="${3:-}" idx ip changed
    local -a victims=()
    ipam_sync
    ipam_find "$id" "$ifn"
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
