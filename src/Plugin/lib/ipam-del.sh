# shellcheck shell=bash disable=SC2034
# The releasing half of ipam.sh (DEL). Sourced when first needed (see cni_lazy); requires ipam.sh.

# ipam_release ID IFNAME [MARK]: free every address held by exactly this attachment (caller holds
# the lock); MARK (bash-cni's mark, if it exists) is removed in the same step, and so is the address
# it names ("adding <ip>", see ipam_allocate) if that file holds only what a kill while it was being
# written leaves: nothing, or just this ID's line. REPLY = released addresses (space separated).
# Unknown attachments are not an error.
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
