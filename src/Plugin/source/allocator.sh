# shellcheck shell=bash disable=SC2034
# The allocator: the configured range (ipam_prepare), the round-robin walk over it (host-local's
# RangeIter: from the address after last_reserved_ip.0, around to the range start, skipping the
# gateway and every address with a reservation file), the allocation that reserves the first free
# address in the store, and the result's "ips".

# layout: ipam-add < ipam
# ipam_prepare: validate the range (code 7). Sets IPAM_NET IPAM_PREFIX IPAM_BCAST IPAM_GW
# IPAM_START IPAM_END (integers) and IPAM_GATEWAY (dotted).
ipam_prepare() {
    local what
    ipam_prepare_store
    if [[ -z "$CFG_SUBNET" ]]; then
        cni_error 7 "invalid network config: \"subnet\" is missing"
    fi
    if ! ipv4_parse_cidr "$CFG_SUBNET"; then
        cni_error 7 "invalid network config: subnet \"$CFG_SUBNET\" is not an IPv4 CIDR"
    fi
    if (( CIDR_PREFIX > 30 )); then
        cni_error 7 "invalid network config: subnet $CFG_SUBNET is too small (/31 and /32 leave no usable address)"
    fi
    if (( CIDR_PREFIX < 1 )); then
        cni_error 7 "invalid network config: subnet $CFG_SUBNET is too large"
    fi
    if (( CIDR_ADDR != CIDR_NET )); then
        ipv4_from_int "$CIDR_NET"
        cni_error 7 "invalid network config: subnet $CFG_SUBNET has host bits set (network is $REPLY/$CIDR_PREFIX)"
    fi
    IPAM_NET="$CIDR_NET"
    IPAM_PREFIX="$CIDR_PREFIX"
    IPAM_BCAST="$CIDR_BCAST"
    IPAM_GW=$(( IPAM_NET + 1 ))
    IPAM_START=$(( IPAM_NET + 1 ))
    IPAM_END=$(( IPAM_BCAST - 1 ))
    if [[ -n "$CFG_GATEWAY" ]]; then
        ipam_config_address gateway "$CFG_GATEWAY"
        IPAM_GW="$REPLY"
    fi
    if [[ -n "$CFG_RANGE_START" ]]; then
        ipam_config_address rangeStart "$CFG_RANGE_START"
        IPAM_START="$REPLY"
    fi
    if [[ -n "$CFG_RANGE_END" ]]; then
        ipam_config_address rangeEnd "$CFG_RANGE_END"
        IPAM_END="$REPLY"
    fi
    if (( IPAM_START > IPAM_END )); then
        cni_error 7 "invalid network config: rangeStart is after rangeEnd"
    fi
    # The kernel refuses a next hop in 0.0.0.0/8 ("this network") or 224.0.0.0/4 (multicast): the pod's default route
    # would fail half way through ADD (0.0.0.0/1's computed gateway 0.0.0.1, for one).
    if (( IPAM_GW >> 24 == 0 || IPAM_GW >> 28 == 14 )); then
        ipv4_from_int "$IPAM_GW"
        cni_error 7 "invalid network config: gateway $REPLY is in 0.0.0.0/8 or 224.0.0.0/4, which the kernel refuses as a next hop"
    fi
    ipv4_from_int "$IPAM_GW"
    IPAM_GATEWAY="$REPLY"
}

# ipam_config_address FIELD VALUE: REPLY = VALUE as an integer inside the subnet's usable part (code 7).
ipam_config_address() {
    if ! ipv4_to_int "$2"; then
        cni_error 7 "invalid network config: $1 \"$2\" is not an IPv4 address"
    fi
    if (( REPLY <= IPAM_NET || REPLY >= IPAM_BCAST )); then
        cni_error 7 "invalid network config: $1 $2 is outside the usable part of $CFG_SUBNET"
    fi
}

# ipam_allocate ID IFNAME [MARK]: reserve the next free address (caller holds the lock).
# Sets IPAM_IP (integer) and IPAM_ADDRESS (dotted). Codes 111 (already holds one), 110 (exhausted), 5.
# The file is created, then its owner written: a kill in between leaves a reservation no owner matches.
# So bash-cni's MARK first names the address ("adding <ip>"), and its DEL releases a file left so
# (see ipam_release).
ipam_allocate() {
    local id="$1" ifn="$2" mark="${3:-}" ip
    ipam_sync
    ipam_find "$id" "$ifn"
    if [[ -n "$REPLY" ]]; then
        cni_error 111 "container $id already holds address $REPLY for interface $ifn in network $CFG_NAME"
    fi
    ipam_walk_begin
    while ipam_walk_next; do
        ip="$REPLY"
        [[ -z "$mark" ]] || { printf 'adding %s\n' "$ip" >| "$mark"; } 2>/dev/null || true
        if ipam_reserve "$id" "$ifn" "$ip"; then
            IPAM_IP="$IPAM_WALK_CUR"
            IPAM_ADDRESS="$ip"
            return 0
        fi
        # Taken since the walk looked (by a writer that ignores the lock): go on with the next.
    done
    ipam_range_text
    cni_error 110 "no IP addresses available in range set: $REPLY"
}

# The round-robin walk (host-local's RangeIter): from the address after last_reserved_ip.0 (or the
# range start) to the range end, then around from the start, each address of the range once.
# ipam_walk_begin sets where it starts; each ipam_walk_next gives the next address that is not the
# gateway and has no reservation file (REPLY dotted, IPAM_WALK_CUR its integer), or fails when the
# whole range was seen. ipam_allocate and STATUS (ipam_has_room) share it.
ipam_walk_begin() {
    local last
    ipam_last_reserved
    last="$REPLY"
    IPAM_WALK_LEFT=$(( IPAM_END - IPAM_START + 1 ))
    if (( last >= IPAM_START && last < IPAM_END )); then
        IPAM_WALK_CUR=$(( last + 1 ))
    else
        IPAM_WALK_CUR="$IPAM_START"
    fi
    IPAM_WALK_FIRST=1
}

ipam_walk_next() {
    local cur="$IPAM_WALK_CUR"
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
        ipv4_from_int "$cur"
        if [[ ! -e "$IPAM_DIR/$REPLY" ]]; then
            IPAM_WALK_CUR="$cur"
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
    ipam_walk_begin
    ipam_walk_next
}

# ipam_range_text: REPLY = "<first>-<last>" of the addresses that can be handed out.
ipam_range_text() {
    local first="$IPAM_START" last="$IPAM_END" a
    (( first == IPAM_GW && first < last )) && first=$(( first + 1 ))
    (( last == IPAM_GW && last > first )) && last=$(( last - 1 ))
    ipv4_from_int "$first"
    a="$REPLY"
    ipv4_from_int "$last"
    REPLY="$a-$REPLY"
}
