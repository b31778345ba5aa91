# shellcheck shell=bash disable=SC2034
# host-local style address store:
#   <dataDir>/<name>/<ip>                 owner "<containerID>\r\n<ifname>", 0600, created exclusively
#   <dataDir>/<name>/last_reserved_ip.0   the address handed out last (round-robin start)
#   <dataDir>/<name>/lock                 flock for the whole allocate/release
#   <dataDir>/<name>/.ids/<id>:<ifname>   index: the address held by an attachment (keeps lookups O(1))
#   <dataDir>/<name>/.ids/.synced         written after each change the plugin makes to the store
#   <dataDir>/<name>/.ids/.foreign        "<id>:<ifname> <ip>" lines for reservations other writers left
#   <dataDir>/<name>/.ids/.lock-<id>:<if> bash-cni's mark of an ADD in progress (not part of the index; GC drops stale ones)
# The reservation files are the truth. If the store directory changed after .synced (another writer,
# a restored backup, a crash between two writes), the index is rebuilt from the files first.
# Requires start.sh, common.sh, ipv4.sh and config.sh.


# In ipam-extra.sh (index rebuild, foreign reservations, CHECK/STATUS/GC helpers):
ipam_range_text() { cni_lazy ipam-extra ipam_range_text; }
ipam_scan_owner() { cni_lazy ipam-extra ipam_scan_owner "$@"; }
ipam_find_foreign() { cni_lazy ipam-extra ipam_find_foreign "$@"; }
ipam_reindex() { cni_lazy ipam-extra ipam_reindex "$@"; }
ipam_lookup() { cni_lazy ipam-extra ipam_lookup "$@"; }
ipam_gc() { cni_lazy ipam-extra ipam_gc "$@"; }
ipam_has_room() { cni_lazy ipam-extra ipam_has_room; }

# ipam_prepare_store: name and dataDir only (enough for DEL and GC).
ipam_prepare_store() {
    local data_dir="${CFG_DATA_DIR:-$IPAM_DEFAULT_DATA_DIR}"
    if [[ "$data_dir" == "$CFG_INVALID" ]]; then
        cni_error 7 "invalid network config: \"dataDir\" must be a path"
    fi
    IPAM_DIR="${data_dir%/}/$CFG_NAME"
    IPAM_INDEX_DIR="$IPAM_DIR/.ids"
    IPAM_LOCK_TIMEOUT="${CFG_LOCK_TIMEOUT:-$IPAM_DEFAULT_LOCK_TIMEOUT}"
    if [[ ! "$IPAM_LOCK_TIMEOUT" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
        cni_error 7 "invalid network config: \"lockTimeout\" must be a number of seconds"
    fi
}

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

# ipam_lock: create the store directory if needed and take its lock (code 5 / 11). A lock that
# early_start began taking for this store and timeout is collected instead; one for another is dropped.
ipam_lock() {
    local rc=0
    if [[ -n "$IPAM_LOCK_PID" ]]; then
        if [[ "$IPAM_LOCK_KEY" == "$IPAM_DIR|$IPAM_LOCK_TIMEOUT" ]]; then
            wait "$IPAM_LOCK_PID" || rc=$?
            IPAM_LOCK_PID=""
            ipam_lock_result "$rc"
            return 0
        fi
        ipam_unlock
    fi
    if [[ ! -d "$IPAM_DIR" ]]; then
        mkdir -p -- "$IPAM_DIR" 2>/dev/null || [[ -d "$IPAM_DIR" ]] ||
            cni_error 5 "cannot create the address store $IPAM_DIR"
    fi
    if ! { exec {IPAM_LOCK_FD}>>"$IPAM_DIR/lock"; } 2>/dev/null; then
        IPAM_LOCK_FD=""
        cni_error 5 "cannot open the lock file $IPAM_DIR/lock"
    fi
    flock -E 75 -w "$IPAM_LOCK_TIMEOUT" "$IPAM_LOCK_FD" || rc=$?
    ipam_lock_result "$rc"
}

# ipam_lock_result RC: flock's exit status as the CNI error it means (none for 0).
ipam_lock_result() {
    if (( $1 == 75 )); then
        cni_error 11 "the address store $IPAM_DIR is locked; lock not obtained within ${IPAM_LOCK_TIMEOUT}s"
    elif (( $1 != 0 )); then
        cni_error 5 "cannot lock $IPAM_DIR/lock (flock exit $1)"
    fi
}

# ipam_unlock: drop the lock. A background flock not collected yet is left to end by itself (it
# holds the lock only for the moment it takes to exit, or gives up after lockTimeout).
ipam_unlock() {
    IPAM_LOCK_PID=""
    if [[ -n "$IPAM_LOCK_FD" ]]; then
        exec {IPAM_LOCK_FD}>&-
        IPAM_LOCK_FD=""
    fi
}

# ipam_owner_is FILE ID IFNAME: the file records exactly this attachment (whole content compared,
# surrounding whitespace ignored as host-local does; never a substring or pattern match).
ipam_owner_is() {
    local content=""
    [[ -f "$1" ]] || return 1
    { IFS= read -r -d '' content < "$1"; } 2>/dev/null || true
    content="${content#"${content%%[![:space:]]*}"}"
    content="${content%"${content##*[![:space:]]}"}"
    [[ "$content" == "$2"$'\r\n'"$3" ]]
}

# ipam_index_key ID IFNAME: REPLY = index file path, or "" if the name would be too long.
ipam_index_key() {
    local key="$1:$2"
    if (( ${#key} > 250 )); then
        REPLY=""
    else
        REPLY="$IPAM_INDEX_DIR/$key"
    fi
}

# ipam_find ID IFNAME: REPLY = address held by the attachment, or "" (index lookup; call ipam_sync first).
ipam_find() {
    local id="$1" ifn="$2" idx ip=""
    IPAM_FOUND=()
    ipam_index_key "$id" "$ifn"
    idx="$REPLY"
    REPLY=""
    if [[ -z "$idx" ]]; then
        ipam_scan_owner "$id" "$ifn"
        REPLY="${IPAM_FOUND[0]:-}"
        return 0
    fi
    if [[ -f "$idx" ]]; then
        { IFS= read -r ip < "$idx"; } 2>/dev/null || true
        if [[ -n "$ip" && "$ip" != */* ]] && ipam_owner_is "$IPAM_DIR/$ip" "$id" "$ifn"; then
            IPAM_FOUND=("$ip")
            REPLY="$ip"
            return 0
        fi
    fi
    if [[ -f "$IPAM_INDEX_DIR/.foreign" ]]; then
        ipam_find_foreign "$id" "$ifn"
    fi
    return 0
}

# ipam_sync: make sure the index describes the reservation files (caller holds the lock).
ipam_sync() {
    local marker="$IPAM_INDEX_DIR/.synced"
    if [[ -f "$marker" && "$marker" -nt "$IPAM_DIR" ]]; then
        return 0
    fi
    ipam_reindex ""
    ipam_mark_synced
}

# ipam_mark_synced: record that the index matches the store. The marker must end up strictly newer
# than the directory (file times are coarse: rewrite it until the clock tick has passed), so that any
# later change to the directory, even within the same tick, shows as "not older than the marker".
ipam_mark_synced() {
    local marker="$IPAM_INDEX_DIR/.synced" tries
    for (( tries = 0; tries < 200000; tries++ )); do
        { printf '%s' "$EPOCHREALTIME" >| "$marker"; } 2>/dev/null || return 0
        [[ "$marker" -nt "$IPAM_DIR" ]] && return 0
    done
    return 0
}

# ipam_allocate ID IFNAME: reserve the next free address (caller holds the lock).
# Sets IPAM_IP (integer) and IPAM_ADDRESS (dotted). Codes 111 (already holds one), 110 (exhausted), 5.
ipam_allocate() {
    local id="$1" ifn="$2" last=-1 cur total tries ip="" fd="" lastf="$IPAM_DIR/last_reserved_ip.0"
    ipam_sync
    ipam_find "$id" "$ifn"
    if [[ -n "$REPLY" ]]; then
        cni_error 111 "container $id already holds address $REPLY for interface $ifn in network $CFG_NAME"
    fi
    if [[ -f "$lastf" ]]; then
        { IFS= read -r ip < "$lastf"; } 2>/dev/null || true
        if ipv4_to_int "$ip"; then
            last="$REPLY"
        fi
    fi
    total=$(( IPAM_END - IPAM_START + 1 ))
    if (( last >= IPAM_START && last < IPAM_END )); then
        cur=$(( last + 1 ))
    else
        cur="$IPAM_START"
    fi
    for (( tries = 0; tries < total; tries++ )); do
        if (( cur != IPAM_GW )); then
            ipv4_from_int "$cur"
            ip="$REPLY"
            if [[ ! -e "$IPAM_DIR/$ip" ]]; then
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
                    IPAM_IP="$cur"
                    IPAM_ADDRESS="$ip"
                    ipam_record_index "$id" "$ifn" "$ip" "$lastf"
                    ipam_mark_synced
                    return 0
                fi
                set +o noclobber
                umask 022
                [[ -e "$IPAM_DIR/$ip" ]] || cni_error 5 "cannot create the reservation $IPAM_DIR/$ip"
            fi
        fi
        if (( cur >= IPAM_END )); then
            cur="$IPAM_START"
        else
            cur=$(( cur + 1 ))
        fi
    done
    ipam_range_text
    cni_error 110 "no IP addresses available in range set: $REPLY"
}

# ipam_record_index ID IFNAME IP LASTFILE: index entry and round-robin marker (code 5 undoes the reservation).
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

# ipam_ips_json ADDRESS INTERFACE_INDEX: REPLY = the "ips" list for this result version.
ipam_ips_json() {
    local version_field="" iface=""
    cni_version_rank "$CNI_VERSION"
    (( REPLY < 10000 )) && version_field='"version":"4",'
    [[ -n "${2:-}" ]] && iface=",\"interface\":$2"
    REPLY="[{$version_field\"address\":\"$1/$IPAM_PREFIX\",\"gateway\":\"$IPAM_GATEWAY\"$iface}]"
}
