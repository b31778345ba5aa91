# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/early.sh: read at start
early_field() {
    local key="\"$1\"" rest v
    [[ "$CNI_STDIN" == *"$key"* ]] || return 1
    rest="${CNI_STDIN#*"$key"}"
    [[ "$rest" != *"$key"* ]] || return 2
    rest="${rest#"${rest%%[!$' \t\r\n']*}"}"
    [[ "$rest" == :* ]] || return 2
    rest="${rest:1}"
    rest="${rest#"${rest%%[!$' \t\r\n']*}"}"
    if [[ "$rest" == \"* ]]; then
        v="${rest:1}"
        v="${v%%\"*}"
        [[ "$rest" == "\"$v\""* && "$v" != *[\\[:cntrl:]]* ]] || return 2
    else
        v="${rest%%[!0-9.]*}"
        [[ -n "$v" ]] || return 2
    fi
    REPLY="$v"
}
early_start() {
    local id="${CNI_CONTAINERID:-}" ifn="${CNI_IFNAME:-}" ns="${CNI_NETNS:-}" br=cni0 host name dir t="" rc=0
    cni_read_stdin
    [[ "${CNI_COMMAND:-}" == ADD ]] || return 0
    cni_valid_id "$id" && cni_valid_ifname "$ifn" || return 0
    link_host_name "$id" "$ifn"
    host="$REPLY"
    cni_netns_plausible "$ns" || return 0
    if early_field bridge; then
        br="$REPLY"
        cni_valid_ifname "$br" || return 0
    elif (( $? == 2 )); then
        return 0
    fi
    early_field mtu || rc=$?
    (( rc == 1 )) || return 0
    early_field name && cni_valid_id "$REPLY" || return 0
    name="$REPLY"
    dir="$IPAM_DEFAULT_DATA_DIR"
    if early_field dataDir; then
        dir="$REPLY"
    elif (( $? == 2 )); then
        return 0
    fi
    dir="${dir%/}/$name"
    if early_field lockTimeout; then
        t="$REPLY"
    elif (( $? == 2 )); then
        return 0
    fi
    [[ -d "$dir/.ids" && ${#id} -le 200 ]] || return 0
    mark_try_write "$dir/.ids/.lock-$id:$ifn" || return 0
    undo_push add_undo_mark
    link_host_mac "$id" "$ifn"
    if [[ "$CNI_STDIN" == *'"ipam"'* ]]; then
        link_spawn "$host" "$REPLY" "$ifn" "$br" "" "$ns"
    else
        link_spawn "$host" "$REPLY" "$ifn" "$br" "" "$ns" "$dir" "${t:-$IPAM_DEFAULT_LOCK_TIMEOUT}"
    fi
}
link_host_mac() {
    link_host_hash "$1" "$2"
    printf -v REPLY '0e:58:%02x:%02x:%02x:%02x' $(( (LINK_HASH >> 24) & 255 )) $(( (LINK_HASH >> 16) & 255 )) \
        $(( (LINK_HASH >> 8) & 255 )) $(( LINK_HASH & 255 ))
}
pipe_open() {
    local r w line
    { exec {r}<<<""; } 2>/dev/null || return 1
    if [[ -p "/proc/self/fd/$r" ]] && IFS= read -r -u "$r" line && { exec {w}>"/proc/self/fd/$r"; } 2>/dev/null; then
        PIPE_R="$r"
        PIPE_W="$w"
        return 0
    fi
    exec {r}<&-
    return 1
}
link_spawn() {
    local r1 w1 r2 w2 lfd=""
    if [[ "$6" == *[[:space:]\"\'\\#]* ]] || ! pipe_open; then
        link_spawn_veth "$@"
        return 0
    fi
    r1="$PIPE_R" w1="$PIPE_W"
    if ! pipe_open; then
        exec {r1}<&- {w1}>&-
        link_spawn_veth "$@"
        return 0
    fi
    r2="$PIPE_R" w2="$PIPE_W"
    if [[ -n "${7:-}" ]] && { exec {lfd}>>"$7/lock"; } 2>/dev/null; then
        IPAM_LOCK_FD="$lfd"
        IPAM_LOCK_KEY="$7|$8"
        IPAM_LOCK_PENDING=1
        LINK_POD_LOCKLINE=1
    else
        lfd=""
    fi
    LINK_ARGS=("$1" "$2" "$3" "" "$4" "$5" "$6")
    undo_push add_undo_link
    exec {LINK_POD_IN}> >(link_helper "$w1" "$w2" "$lfd" "${8:-}" "${@:1:6}" {r1}<&- {r2}<&-)
    LINK_POD_PID="$!"
    exec {w1}>&- {w2}>&-
    LINK_BG_FD="$r1"
    LINK_POD_OUT="$r2"
    LINK_POD_NS="$6"
}
link_helper() {
    local w1="$1" w2="$2" lfd="$3" t="$4" rc=0
    shift 4
    exec >/dev/null 2>&1
    if [[ -n "$lfd" ]]; then
        flock -E 75 -w "$t" "$lfd" {w1}>&- || rc=$?
        printf 'lock %d\n' "$rc" >&"$w2"
        exec {lfd}>&-
    fi
    link_create_pair "$@" >&"$w1"
    exec {w1}>&-
    exec >&"$w2" {w2}>&-
    link_pod_exec "$6"
}
link_create_pair() {
    local rc=0
    ip -batch - 2>&1 <<<"addr show dev $4
link add name $1 address $2${5:+ mtu $5} master $4 up type veth peer name $3${5:+ mtu $5} netns $6" || rc=$?
    printf '\n@exit %d\n' "$rc"
}
link_pod_exec() {
    if netns_name "$1"; then
        exec ip -n "$REPLY" -batch - 2>&1
    fi
    exec nsenter --net="$1" ip -batch - 2>&1
}
link_spawn_veth() {
    LINK_ARGS=("$1" "$2" "$3" "" "$4" "$5" "$6")
    undo_push add_undo_link
    [[ "$6" != *[[:space:]\"\'\\#]* ]] || return 0
    exec {LINK_BG_FD}< <(link_create_pair "$@")
}
mark_try_write() {
    MARK="$1"
    MARK_NEW=1
    [[ ! -e "$MARK" ]] || MARK_NEW=""
    { printf 'adding\n' >| "$MARK"; } 2>/dev/null || { MARK=""; return 1; }
}
