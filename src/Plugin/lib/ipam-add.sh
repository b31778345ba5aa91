# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/ipam-add.sh: read on first use (stubs in lib/ipam.sh)
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
    ipv4_from_int "$IPAM_GW"
    IPAM_GATEWAY="$REPLY"
}
ipam_config_address() {
    if ! ipv4_to_int "$2"; then
        cni_error 7 "invalid network config: $1 \"$2\" is not an IPv4 address"
    fi
    if (( REPLY <= IPAM_NET || REPLY >= IPAM_BCAST )); then
        cni_error 7 "invalid network config: $1 $2 is outside the usable part of $CFG_SUBNET"
    fi
}
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
    done
    ipam_range_text
    cni_error 110 "no IP addresses available in range set: $REPLY"
}
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
ipam_reserve() {
    local id="$1" ifn="$2" ip="$3" fd=""
    set -o noclobber
    umask 077
    if { exec {fd}>"$IPAM_DIR/$ip"; } 2>/dev/null; then
        set +o noclobber
        umask 022
        if ! printf '%s\r\n%s' "$id" "$ifn" >&"$fd"; then
            exec {fd}>&-
            rm -f -- "$IPAM_DIR/$ip"
            cni_error 5 "cannot write the reservation $IPAM_DIR/$ip"
        fi
        exec {fd}>&-
        ipam_record_index "$id" "$ifn" "$ip" "$IPAM_DIR/last_reserved_ip.0"
        ipam_mark_synced
        return 0
    fi
    set +o noclobber
    umask 022
    [[ -e "$IPAM_DIR/$ip" ]] || cni_error 5 "cannot create the reservation $IPAM_DIR/$ip"
    return 1
}
ipam_last_reserved() {
    local ip="" lastf="$IPAM_DIR/last_reserved_ip.0"
    if [[ -f "$lastf" ]]; then
        { IFS= read -r ip < "$lastf"; } 2>/dev/null || true
        ipv4_to_int "$ip" && return 0
    fi
    REPLY=-1
}
ipam_record_index() {
    local id="$1" ifn="$2" ip="$3" lastf="$4" idx
    ipam_index_key "$id" "$ifn"
    idx="$REPLY"
    if [[ -n "$idx" ]]; then
        umask 077
        if ! { printf '%s' "$ip" >| "$idx"; } 2>/dev/null; then
            umask 022
            rm -f -- "$IPAM_DIR/$ip" "$idx"
            cni_error 5 "cannot write the index entry $idx"
        fi
    fi
    umask 022
    if ! { printf '%s' "$ip" >| "$lastf"; } 2>/dev/null; then
        rm -f -- "$IPAM_DIR/$ip" ${idx:+"$idx"}
        cni_error 5 "cannot write $lastf"
    fi
}
ipam_cmd_add() {
    cfg_load_checked id ifname
    cfg_check_routes
    ipam_prepare
    ipam_lock
    ipam_allocate "$CNI_CONTAINERID" "$CNI_IFNAME"
    ipam_unlock
    CNI_LOG_DETAIL="ip=$IPAM_ADDRESS/$IPAM_PREFIX"
    ipam_ips_json "$IPAM_ADDRESS"
    cni_emit "{\"cniVersion\":\"$CNI_VERSION\",\"ips\":$REPLY,\"routes\":$CFG_ROUTES_JSON,\"dns\":$CFG_DNS_JSON}"
    cni_log ok
}
ipam_ips_json() {
    local version_field="" iface=""
    cni_version_rank "$CNI_VERSION"
    (( REPLY < 10000 )) && version_field='"version":"4",'
    [[ -n "${2:-}" ]] && iface=",\"interface\":$2"
    REPLY="[{$version_field\"address\":\"$1/$IPAM_PREFIX\",\"gateway\":\"$IPAM_GATEWAY\"$iface}]"
}
