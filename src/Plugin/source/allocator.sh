# shellcheck shell=bash disable=SC2034
# The allocator (over the range cfg_resolve resolved, config.sh): the round-robin walk over it (host-local's
# RangeIter: from the address after last_reserved_ip.0, around to the range start, skipping the
# gateway and every address with a reservation file), the allocation that reserves the first free
# address in the store, and the result's "ips".
# Globals: IPAM_IP IPAM_ADDRESS (the address ipam_allocate reserved, integer and dotted); IPAM_WALK_CUR
# IPAM_WALK_FIRST IPAM_WALK_LEFT (the walk over the range, between ipam_walk_begin and ipam_walk_next).

# layout: ipam-add < ipam
# ipam_allocate ID IFNAME [MARK]: reserve the next free address (caller holds the lock).
# Sets IPAM_IP (integer) and IPAM_ADDRESS (dotted). Codes 111 (already holds one), 110 (exhausted), 5.
# The file is created, then its owner written: a kill in between leaves a reservation no owner matches.
# So bash-cni's MARK first names the address ("adding <ip>"), and its DEL releases a file left so
# (see ipam_release).
ipam_allocate() {
    local id="$1" ifn="$2" mark="${3:-}" ip range
    ipam_sync
    ipam_find "$id" "$ifn"
    if (( ${#IPAM_FOUND[@]} )); then
        cni_error 111 "container $id already holds address ${IPAM_FOUND[0]} for interface $ifn in network $CFG_NAME"
    fi
    ipam_walk_begin
    while ipam_walk_next ip; do
        [[ -z "$mark" ]] || { printf 'adding %s\n' "$ip" >| "$mark"; } 2>/dev/null || true
        if ipam_reserve "$id" "$ifn" "$ip"; then
            IPAM_IP="$IPAM_WALK_CUR"
            IPAM_ADDRESS="$ip"
            return 0
        fi
        # Taken since the walk looked (by a writer that ignores the lock): go on with the next.
    done
    ipam_range_text range
    cni_error 110 "no IP addresses available in range set: $range"
}

# The round-robin walk (host-local's RangeIter): from the address after last_reserved_ip.0 (or the
# range start) to the range end, then around from the start, each address of the range once.
# ipam_walk_begin sets where it starts; each ipam_walk_next VAR gives the next address that is not
# the gateway and has no reservation file (VAR dotted, IPAM_WALK_CUR its integer), or fails when the
# whole range was seen. ipam_allocate and STATUS (ipam_has_room) share it.
ipam_walk_begin() {
    local last
    ipam_last_reserved last
    IPAM_WALK_LEFT=$(( IPAM_END - IPAM_START + 1 ))
    if (( last >= IPAM_START && last < IPAM_END )); then
        IPAM_WALK_CUR=$(( last + 1 ))
    else
        IPAM_WALK_CUR="$IPAM_START"
    fi
    IPAM_WALK_FIRST=1
}

ipam_walk_next() {
    local cur="$IPAM_WALK_CUR" dotted
    while (( IPAM_WALK_LEFT > 0 )); do
        if [[ -z "$IPAM_WALK_FIRST" ]]; then
            if (( cur >= IPAM_END )); then
                cur="$IPAM_START"
            else
                cur=$(( cur + 1 ))
            fi
        fi
        IPAM_WALK_FIRST=""
        IPAM_WALK_LEFT=$(( IPAM_WALK_LEFT - 1 ))
        (( cur != IPAM_GW )) || continue
        ipv4_from_int dotted "$cur"
        if [[ ! -e "$IPAM_DIR/$dotted" ]]; then
            IPAM_WALK_CUR="$cur"
            printf -v "$1" '%s' "$dotted"
            return 0
        fi
    done
    return 1
}

# layout: ipam-extra < ipam
# ipam_has_room: succeeds if at least one address could be handed out (no lock needed): the
# allocator's own walk (ipam_walk_next) finds one.
ipam_has_room() {
    cni_source ipam-add
    local free
    ipam_walk_begin
    ipam_walk_next free
}

# ipam_range_text VAR: VAR = "<first>-<last>" of the addresses that can be handed out.
ipam_range_text() {
    local first="$IPAM_START" last="$IPAM_END" a b
    (( first == IPAM_GW && first < last )) && first=$(( first + 1 ))
    (( last == IPAM_GW && last > first )) && last=$(( last - 1 ))
    ipv4_from_int a "$first"
    ipv4_from_int b "$last"
    printf -v "$1" '%s' "$a-$b"
}
