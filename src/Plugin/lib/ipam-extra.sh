# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/ipam-extra.sh: read on first use (stubs in lib/ipam.sh)
ipam_has_room() {
    cni_source ipam-add
    ipam_walk_begin
    ipam_walk_next
}
ipam_range_text() {
    local first="$IPAM_START" last="$IPAM_END" a
    (( first == IPAM_GW && first < last )) && first=$(( first + 1 ))
    (( last == IPAM_GW && last > first )) && last=$(( last - 1 ))
    ipv4_from_int "$first"
    a="$REPLY"
    ipv4_from_int "$last"
    REPLY="$a-$REPLY"
}
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
        REPLY="$ip"
    fi
    return 0
}
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
        REPLY="${BASH_REMATCH[1]}"
    fi
    return 0
}
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
ipam_reindex() {
    local gc="$1" f name content idx current foreign=""
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
        ipam_index_key "${content%%$'\r\n'*}" "${content#*$'\r\n'}"
        idx="$REPLY"
        [[ -n "$idx" ]] || continue
        current=""
        if [[ -f "$idx" ]]; then
            { IFS= read -r current < "$idx"; } 2>/dev/null || true
        fi
        if [[ "$current" == "$name" ]]; then
            keep["$idx"]=1
        else
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
        for f in "$IPAM_INDEX_DIR"/.lock-*; do
            [[ -f "$f" ]] || continue
            name="${f##*/.lock-}"
            [[ -n "${valid["${name%%:*}"$'\r\n'"${name#*:}"]+set}" ]] || victims+=("$f")
        done
    fi
    if (( ${#victims[@]} )); then
        rm -f -- "${victims[@]}" 2>/dev/null || cni_error 5 "cannot remove reservations in $IPAM_DIR"
    fi
    REPLY="${#victims[@]}"
}
ipam_lookup() {
    REPLY=""
    [[ -d "$IPAM_DIR" ]] || return 0
    ipam_lock
    ipam_sync
    ipam_find "$1" "$2"
    ipam_unlock
}
ipam_gc() {
    ipam_reindex "${1:- }"
    local removed="$REPLY"
    ipam_mark_synced
    REPLY="$removed"
}
ipam_check_holds() {
    ipam_prepare
    ipam_lookup "$1" "$2"
    if [[ -z "$REPLY" ]]; then
        cni_error 3 "unknown container: $1/$2 holds no address in network $CFG_NAME"
    fi
    if [[ -n "${3:-}" && "$REPLY" != "$3" ]]; then
        cni_error 100 "address mismatch: store has $REPLY, prevResult says $3"
    fi
}
ipam_cmd_check() {
    cfg_load_checked id ifname
    cni_require_version 0.4.0 CHECK
    ipam_check_holds "$CNI_CONTAINERID" "$CNI_IFNAME" "${CFG_PREV_ADDRESS%/*}"
    CNI_EMITTED=1
    cni_log ok
}
ipam_gc_store() {
    ipam_prepare_store
    if [[ -d "$IPAM_DIR" ]]; then
        ipam_lock
        ipam_gc "$1"
        ipam_unlock
        CNI_LOG_DETAIL="removed=$REPLY"
    fi
}
ipam_cmd_gc() {
    cfg_load_checked
    cni_require_version 1.1.0 GC
    if [[ "$CFG_VALID_ATTACHMENTS" == "$CFG_INVALID" ]]; then
        cni_error 7 "invalid network config: \"cni.dev/valid-attachments\" must be a list"
    fi
    ipam_gc_store "$CFG_VALID_ATTACHMENTS"
    CNI_EMITTED=1
    cni_log ok
}
ipam_status() {
    ipam_prepare
    if ! ipam_has_room; then
        ipam_range_text
        cni_error 50 "not able to serve ADDs: no IP addresses available in range set: $REPLY"
    fi
}
ipam_cmd_status() {
    cfg_load_checked
    cni_require_version 1.1.0 STATUS
    ipam_status
    CNI_EMITTED=1
    cni_log ok
}
