# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/ipam.sh: read at start
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
ipam_lock_result() {
    if (( $1 == 75 )); then
        cni_error 11 "the address store $IPAM_DIR is locked; lock not obtained within ${IPAM_LOCK_TIMEOUT}s"
    elif (( $1 != 0 )); then
        cni_error 5 "cannot lock $IPAM_DIR/lock (flock exit $1)"
    fi
}
ipam_unlock() {
    IPAM_LOCK_PENDING=""
    if [[ -n "$IPAM_LOCK_FD" ]]; then
        exec {IPAM_LOCK_FD}>&-
        IPAM_LOCK_FD=""
    fi
}
ipam_owner_is() {
    local content=""
    [[ -f "$1" ]] || return 1
    { IFS= read -r -d '' content < "$1"; } 2>/dev/null || true
    content="${content#"${content%%[![:space:]]*}"}"
    content="${content%"${content##*[![:space:]]}"}"
    [[ "$content" == "$2"$'\r\n'"$3" ]]
}
ipam_index_key() {
    local key="$1:$2"
    if (( ${#key} > 250 )); then
        REPLY=""
    else
        REPLY="$IPAM_INDEX_DIR/$key"
    fi
}
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
ipam_sync() {
    local marker="$IPAM_INDEX_DIR/.synced"
    if [[ -f "$marker" && "$marker" -nt "$IPAM_DIR" ]]; then
        return 0
    fi
    ipam_reindex ""
    ipam_mark_synced
}
ipam_mark_synced() {
    local marker="$IPAM_INDEX_DIR/.synced" tries
    for (( tries = 0; tries < 200000; tries++ )); do
        { printf '%s' "$EPOCHREALTIME" >| "$marker"; } 2>/dev/null || return 0
        [[ "$marker" -nt "$IPAM_DIR" ]] && return 0
    done
    return 0
}
ipam_allocate() { cni_lazy ipam-add ipam_allocate "$@"; }
ipam_cmd_add() { cni_lazy ipam-add ipam_cmd_add "$@"; }
ipam_ips_json() { cni_lazy ipam-add ipam_ips_json "$@"; }
ipam_prepare() { cni_lazy ipam-add ipam_prepare "$@"; }
ipam_walk_begin() { cni_lazy ipam-add ipam_walk_begin "$@"; }
ipam_walk_next() { cni_lazy ipam-add ipam_walk_next "$@"; }
ipam_check_holds() { cni_lazy ipam-extra ipam_check_holds "$@"; }
ipam_cmd_check() { cni_lazy ipam-extra ipam_cmd_check "$@"; }
ipam_cmd_gc() { cni_lazy ipam-extra ipam_cmd_gc "$@"; }
ipam_cmd_status() { cni_lazy ipam-extra ipam_cmd_status "$@"; }
ipam_find_foreign() { cni_lazy ipam-extra ipam_find_foreign "$@"; }
ipam_gc_store() { cni_lazy ipam-extra ipam_gc_store "$@"; }
ipam_range_text() { cni_lazy ipam-extra ipam_range_text "$@"; }
ipam_reindex() { cni_lazy ipam-extra ipam_reindex "$@"; }
ipam_scan_owner() { cni_lazy ipam-extra ipam_scan_owner "$@"; }
ipam_status() { cni_lazy ipam-extra ipam_status "$@"; }
ipam_cmd_del() { cni_lazy ipam-del ipam_cmd_del "$@"; }
ipam_release() { cni_lazy ipam-del ipam_release "$@"; }
