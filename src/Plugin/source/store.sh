# shellcheck shell=bash disable=SC2034
# The address store (host-local's disk layout), used by bash-cni's built-in IPAM and bash-cni-ipam:
#   <dataDir>/<name>/<ip>                 owner "<containerID>\r\n<ifname>", 0600, created exclusively
#   <dataDir>/<name>/last_reserved_ip.0   the address handed out last (round-robin start)
#   <dataDir>/<name>/lock                 flock for the whole allocate/release
#   <dataDir>/<name>/.ids/<id>:<ifname>   index: the address held by an attachment (keeps lookups O(1))
#   <dataDir>/<name>/.ids/.synced         written after each change the plugin makes to the store
#   <dataDir>/<name>/.ids/.foreign        "<id>:<ifname> <ip>" lines for reservations other writers left
#   <dataDir>/<name>/.ids/.lock-<id>:<if> bash-cni's mark of an ADD in progress (mark.sh; not part of
#                                         the index; GC drops stale ones)
# The reservation files are the truth. If the store directory changed after .synced (another writer,
# a restored backup, a crash between two writes), the index is rebuilt from the files first.
# Its interface, narrow like host-local's disk Store:
#   where the store is (IPAM_DIR) and its lock timeout are resolved with the configuration
#   (cfg_resolve_store, config.sh)
#   ipam_lock / ipam_unlock
#   ipam_reserve         reserve an address for an attachment (the allocator, allocator.sh, picks it)
#   ipam_release         release by container ID + ifname
#   ipam_find            the address an attachment holds (ipam_lookup: the same under the lock)
#   ipam_last_reserved   the address reserved last (where the allocator's walk starts)
#   ipam_gc              release all but a list of attachments
# Globals: IPAM_LOCK_FD (the store lock, once it is ours: an acquisition ipam_unlock or the undo gives back);
# IPAM_FOUND (the addresses ipam_find, ipam_lookup or ipam_scan_owner found); the constants
# IPAM_DEFAULT_DATA_DIR IPAM_DEFAULT_LOCK_TIMEOUT. Where the store is: config.sh (cfg_resolve_store).

# layout: start
IPAM_LOCK_FD=""          # the store lock, once it is ours (ipam_lock, ipam_lock_taken)
IPAM_DEFAULT_DATA_DIR=/var/lib/cni/networks
IPAM_DEFAULT_LOCK_TIMEOUT=10

# ipam_lock_open FD_VAR DIR: FD_VAR = a new descriptor on DIR/lock, not locked yet (1 = it cannot be
# opened). A flock on it by a child that shares it (link_spawn's helper) takes the lock for us.
ipam_lock_open() {
    local lock_open_fd
    { exec {lock_open_fd}>>"$2/lock"; } 2>/dev/null || return 1
    printf -v "$1" '%s' "$lock_open_fd"
}

# layout: ipam
# ipam_lock: create the store directory if needed and take its lock (code 5 / 11).
ipam_lock() {
    local rc=0 fd
    if [[ ! -d "$IPAM_DIR" ]]; then
        mkdir -p -- "$IPAM_DIR" 2>/dev/null || [[ -d "$IPAM_DIR" ]] ||
            cni_error 5 "cannot create the address store $IPAM_DIR"
    fi
    ipam_lock_open fd "$IPAM_DIR" || cni_error 5 "cannot open the lock file $IPAM_DIR/lock"
    IPAM_LOCK_FD="$fd"
    flock -E 75 -w "$IPAM_LOCK_TIMEOUT" "$IPAM_LOCK_FD" || rc=$?
    ipam_lock_result "$rc"
}

# ipam_lock_taken FD STATUS: the lock on FD (ipam_lock_open) was requested from a child, which reported
# flock's STATUS; without a STATUS (the child did not get to it) it is taken here, on the same open file.
ipam_lock_taken() {
    local rc="$2"
    IPAM_LOCK_FD="$1"
    if [[ -z "$rc" ]]; then
        rc=0
        flock -E 75 -w "$IPAM_LOCK_TIMEOUT" "$IPAM_LOCK_FD" || rc=$?
    fi
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

# ipam_unlock: drop the lock (a lock a child was still taking for us is released when it ends).
ipam_unlock() {
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

# ipam_index_key VAR ID IFNAME: VAR = index file path, or "" if the name would be too long.
ipam_index_key() {
    local key="$2:$3"
    if (( ${#key} > 250 )); then
        printf -v "$1" '%s' ""
    else
        printf -v "$1" '%s' "$IPAM_INDEX_DIR/$key"
    fi
}

# ipam_find ID IFNAME: IPAM_FOUND = the addresses held by the attachment (one, or none; index lookup;
# call ipam_sync first).
ipam_find() {
    local id="$1" ifn="$2" idx ip=""
    IPAM_FOUND=()
    ipam_index_key idx "$id" "$ifn"
    if [[ -z "$idx" ]]; then
        ipam_scan_owner "$id" "$ifn"
        return 0
    fi
    if [[ -f "$idx" ]]; then
        { IFS= read -r ip < "$idx"; } 2>/dev/null || true
        if [[ -n "$ip" && "$ip" != */* ]] && ipam_owner_is "$IPAM_DIR/$ip" "$id" "$ifn"; then
            IPAM_FOUND=("$ip")
            return 0
        fi
    fi
    if [[ -f "$IPAM_INDEX_DIR/.foreign" ]]; then
        ipam_find_foreign "$id" "$ifn"
    fi
    return 0
}

# layout: ipam-extra < ipam
# ipam_find_foreign ID IFNAME: look the attachment up in .ids/.foreign, the map of reservations that
# other writers left ("\n<id>:<ifname> <ip>" lines, written by ipam_reindex). The map can hold tens of
# thousands of lines: grep scans it (fixed string), bash only looks at the lines that contain the key.
# The first line that starts with "<id>:<ifname> <address>" is the answer, as in the bash search below.
ipam_find_foreign() {
    local id="$1" ifn="$2" key="$1:$2" out="" line ip="" rc=0
    out="$(exec grep -a -F -e "$key " -- "$IPAM_INDEX_DIR/.foreign" 2>/dev/null)" || rc=$?
    if (( rc == 1 )); then
        return 0
    elif (( rc != 0 )); then
        ipam_find_foreign_in_bash "$id" "$ifn"
        return 0
    fi
    while IFS= read -r line; do
        [[ "$line" == "$key "* ]] || continue
        ip="${line#"$key "}"
        ip="${ip%%[!0-9.]*}"
        [[ -n "$ip" ]] && break
    done <<<"$out"
    if [[ -n "$ip" ]] && ipam_owner_is "$IPAM_DIR/$ip" "$id" "$ifn"; then
        IPAM_FOUND=("$ip")
    fi
    return 0
}

# ipam_find_foreign_in_bash ID IFNAME: the same lookup without grep.
ipam_find_foreign_in_bash() {
    local id="$1" ifn="$2" map="" key="$1:$2" re="" c i
    { IFS= read -r -d '' map < "$IPAM_INDEX_DIR/.foreign"; } 2>/dev/null || true
    [[ "$map" == *$'\n'"$key "* ]] || return 0
    for (( i = 0; i < ${#key}; i++ )); do
        c="${key:i:1}"
        case "$c" in
            [a-zA-Z0-9]) re+="$c" ;;
            '^') re+='\^' ;;
            *) re+="[$c]" ;;
        esac
    done
    re=$'\n'"$re ([0-9.]+)"
    if [[ "$map" =~ $re ]] && ipam_owner_is "$IPAM_DIR/${BASH_REMATCH[1]}" "$id" "$ifn"; then
        IPAM_FOUND=("${BASH_REMATCH[1]}")
    fi
    return 0
}

# ipam_scan_owner ID IFNAME: IPAM_FOUND = every address whose file records exactly this attachment.
ipam_scan_owner() {
    local want="$1"$'\r\n'"$2" f content
    IPAM_FOUND=()
    for f in "$IPAM_DIR"/[0-9]*.*.*.*[0-9]; do
        [[ -f "$f" ]] || continue
        content=""
        { IFS= read -r -d '' content < "$f"; } 2>/dev/null || true
        if [[ "$content" != "$want" && "$content" == *[[:space:]] ]]; then
            content="${content%"${content##*[![:space:]]}"}"
        fi
        [[ "$content" == "$want" ]] && IPAM_FOUND+=("${f##*/}")
    done
    return 0
}

# layout: ipam
# ipam_sync: make sure the index describes the reservation files (caller holds the lock).
ipam_sync() {
    local marker="$IPAM_INDEX_DIR/.synced"
    if [[ -f "$marker" && "$marker" -nt "$IPAM_DIR" ]]; then
        return 0
    fi
    local removed
    ipam_reindex removed ""
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

# layout: ipam-extra < ipam
# ipam_reindex VAR "ID:IFNAME ..."|"": rebuild the index from the reservation files. With a list (GC;
# a lone blank for an empty list), reservations whose owner is not in it are removed. VAR = number of
# files removed.
ipam_reindex() {
    local gc="$2" f name content idx current foreign=""
    local -A valid=() keep=()
    local -a victims=()
    for name in $gc; do
        valid["${name%%:*}"$'\r\n'"${name#*:}"]=1
    done
    mkdir -p -- "$IPAM_INDEX_DIR" 2>/dev/null || cni_error 5 "cannot create $IPAM_INDEX_DIR"
    umask 077
    for f in "$IPAM_DIR"/[0-9]*.*.*.*[0-9]; do
        name="${f##*/}"
        [[ -f "$f" ]] || continue
        content=""
        { IFS= read -r -d '' content < "$f"; } 2>/dev/null || true
        if [[ "$content" == [[:space:]]* || "$content" == *[[:space:]] ]]; then
            content="${content#"${content%%[![:space:]]*}"}"
            content="${content%"${content##*[![:space:]]}"}"
        fi
        if [[ -n "$gc" && -z "${valid["$content"]+set}" ]]; then
            victims+=("$f")
            continue
        fi
        [[ "$content" == *$'\r\n'* ]] || continue
        ipam_index_key idx "${content%%$'\r\n'*}" "${content#*$'\r\n'}"
        [[ -n "$idx" ]] || continue
        current=""
        if [[ -f "$idx" ]]; then
            { IFS= read -r current < "$idx"; } 2>/dev/null || true
        fi
        if [[ "$current" == "$name" ]]; then
            keep["$idx"]=1
        else
            # Written by someone else: recorded in the map (one file, not one file per entry).
            foreign+=$'\n'"${idx##*/} $name"
        fi
    done
    if [[ -n "$foreign" ]]; then
        { printf '%s\n' "$foreign" >| "$IPAM_INDEX_DIR/.foreign"; } 2>/dev/null ||
            cni_error 5 "cannot write $IPAM_INDEX_DIR/.foreign"
    elif [[ -e "$IPAM_INDEX_DIR/.foreign" ]]; then
        victims+=("$IPAM_INDEX_DIR/.foreign")
    fi
    umask 022
    for f in "$IPAM_INDEX_DIR"/*; do
        if [[ -f "$f" && -z "${keep["$f"]+set}" ]]; then
            victims+=("$f")
        fi
    done
    if [[ -n "$gc" ]]; then
        # bash-cni's per-attachment lock files (left by killed ADDs) of attachments that are gone.
        for f in "$IPAM_INDEX_DIR"/.lock-*; do
            [[ -f "$f" ]] || continue
            name="${f##*/.lock-}"
            [[ -n "${valid["${name%%:*}"$'\r\n'"${name#*:}"]+set}" ]] || victims+=("$f")
        done
    fi
    if (( ${#victims[@]} )); then
        rm -f -- "${victims[@]}" 2>/dev/null || cni_error 5 "cannot remove reservations in $IPAM_DIR"
    fi
    printf -v "$1" '%s' "${#victims[@]}"
}

# layout: ipam-add < ipam
# ipam_reserve ID IFNAME IP: reserve IP for the attachment (caller holds the lock): its file is created
# exclusively (noclobber), then the owner written into it, then the index entry and
# last_reserved_ip.0 (ipam_record_index). Fails when the file exists already; code 5 when it cannot be
# written. A kill between creating and writing leaves a file no owner matches (see ipam_release).
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

# ipam_last_reserved VAR: VAR = the address in last_reserved_ip.0 as an integer, -1 when there is none.
ipam_last_reserved() {
    local ip="" lastf="$IPAM_DIR/last_reserved_ip.0"
    if [[ -f "$lastf" ]]; then
        { IFS= read -r ip < "$lastf"; } 2>/dev/null || true
        ipv4_to_int "$1" "$ip" && return 0
    fi
    printf -v "$1" '%s' -1
}

# ipam_record_index ID IFNAME IP LASTFILE: index entry and round-robin marker (code 5 undoes the reservation).
ipam_record_index() {
    local id="$1" ifn="$2" ip="$3" lastf="$4" idx
    ipam_index_key idx "$id" "$ifn"
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

# layout: ipam-del < ipam
# ipam_release VAR ID IFNAME [MARK]: free every address held by exactly this attachment (caller holds
# the lock); MARK (bash-cni's mark, if it exists) is removed in the same step, and so is the address
# it names ("adding <ip>", see ipam_allocate) if that file holds only what a kill while it was being
# written leaves: nothing, or just this ID's line. VAR = released addresses (space separated).
# Unknown attachments are not an error.
ipam_release() {
    local out="$1" id="$2" ifn="$3" extra="${4:-}" idx ip changed line="" content
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
    ipam_index_key idx "$id" "$ifn"
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
    printf -v "$out" '%s' "${IPAM_FOUND[*]}"
}

# layout: ipam-extra < ipam
# ipam_lookup VAR ID IFNAME: VAR = address held by the attachment, or "" (takes and drops the lock).
ipam_lookup() {
    printf -v "$1" '%s' ""
    [[ -d "$IPAM_DIR" ]] || return 0
    ipam_lock
    ipam_sync
    ipam_find "$2" "$3"
    ipam_unlock
    printf -v "$1" '%s' "${IPAM_FOUND[0]:-}"
}

# ipam_gc VAR "ID:IFNAME ...": release every reservation whose owner is not listed and rebuild the
# index (caller holds the lock). VAR = number of files removed.
ipam_gc() {
    ipam_reindex "$1" "${2:- }"
    ipam_mark_synced
}
