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


# In ipam-add.sh (the range and allocation) and ipam-del.sh (release):
ipam_prepare() { cni_lazy ipam-add ipam_prepare; }
ipam_config_address() { cni_lazy ipam-add ipam_config_address "$@"; }
ipam_allocate() { cni_lazy ipam-add ipam_allocate "$@"; }
ipam_record_index() { cni_lazy ipam-add ipam_record_index "$@"; }
ipam_ips_json() { cni_lazy ipam-add ipam_ips_json "$@"; }
ipam_release() { cni_lazy ipam-del ipam_release "$@"; }
# In ipam-extra.sh (index rebuild, foreign reservations, CHECK/STATUS/GC helpers):
ipam_range_text() { cni_lazy ipam-extra ipam_range_text; }
ipam_scan_owner() { cni_lazy ipam-extra ipam_scan_owner "$@"; }
ipam_find_foreign() { cni_lazy ipam-extra ipam_find_foreign "$@"; }
ipam_reindex() { cni_lazy ipam-extra ipam_reindex "$@"; }
ipam_lookup() { cni_lazy ipam-extra ipam_lookup "$@"; }
ipam_gc() { cni_lazy ipam-extra ipam_gc "$@"; }
ipam_has_room() { cni_lazy ipam-extra ipam_has_room; }
ipam_check_holds() { cni_lazy ipam-extra ipam_check_holds "$@"; }
ipam_status() { cni_lazy ipam-extra ipam_status; }
ipam_gc_store() { cni_lazy ipam-extra ipam_gc_store "$@"; }

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

# ipam_lock: create the store directory if needed and take its lock (code 5 / 11). The lock the
# helper of link_spawn takes for this store and timeout is collected instead; one for another is dropped.
ipam_lock() {
    local rc=0 line=""
    if [[ -n "$IPAM_LOCK_PENDING" ]]; then
        IPAM_LOCK_PENDING=""
        if [[ "$IPAM_LOCK_KEY" == "$IPAM_DIR|$IPAM_LOCK_TIMEOUT" ]]; then
            IFS= read -r line <&"$LINK_POD_OUT" || true
            LINK_POD_LOCKLINE=""
            if [[ "$line" == "lock "[0-9]* ]]; then
                ipam_lock_result "${line#lock }"
                return 0
            fi
            # No answer (the helper is gone): take it here, on the same open file.
            flock -E 75 -w "$IPAM_LOCK_TIMEOUT" "$IPAM_LOCK_FD" || rc=$?
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

# ipam_unlock: drop the lock (a lock the helper was still taking for us is released when it ends).
ipam_unlock() {
    IPAM_LOCK_PENDING=""
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

