# shellcheck shell=bash disable=SC2034
# The early start of bash-cni: work begun before the configuration is validated, because the slow
# external work of ADD and DEL needs little of it. bash-cni-ipam has none.
#
# Contract.
# - What it may assume: nothing but the environment, checked with the same rules as later
#   (cni_valid_id, cni_valid_ifname, cni_netns_plausible), and configuration fields that occur
#   exactly once as plain "key": "value" text in stdin (early_field). Anything unusual (an mtu, a
#   field twice, escapes, no store directory yet) and nothing is started.
# - What it starts:
#   DEL (early_del): the background `ip link del` of the host end (link_spawn_del; the name comes
#     from the environment alone), with its undo step link_reap_del.
#   ADD (early_start): reads stdin (cni_read_stdin: CNI_STDIN);
#     writes the attachment's mark "adding" (mark_try_write: MARK, MARK_NEW, undo step
#     add_undo_mark); starts one helper (link_spawn, undo step add_undo_link) that takes
#     the store lock for the lab form (IPAM_LOCK_PENDING, IPAM_LOCK_KEY "<dir>|<timeout>"), creates
#     the pair (LINK_ARGS, LINK_BG_FD) and waits in the pod namespace as the `ip -batch` of the pod
#     end (LINK_POD_*).
# - What ADD and DEL must adopt or undo (each compares what was started with what the validated
#   configuration says; a mismatch is undone and done again the normal way):
#   the mark: mark_begin keeps MARK when it is the attachment's mark, else drops it and writes its own;
#   the pair: link_start_veth adopts LINK_ARGS when they are this pair, else deletes it;
#   the lock: ipam_lock collects the helper's lock when the key is this store and timeout, else
#     drops it;
#   DEL's `ip link del`: link_start_del adopts it when it deletes this host end.
#   Any error before that runs the pushed undo steps (cni_error), which end all of it.
# Nothing else needs to know about the early start.

# layout: early
# early_field KEY: REPLY = the value of the only "KEY" in the configuration text when it is a plain
# string (no escapes) or number. 1 = no "KEY" at all, 2 = several, or not that simple.
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

# early_start: ADD: read stdin (cni_read_stdin) and start what can start (see above).
early_start() {
    local id="${CNI_CONTAINERID:-}" ifn="${CNI_IFNAME:-}" ns="${CNI_NETNS:-}" br=cni0 host name dir t="" rc=0
    cni_read_stdin
    [[ "${CNI_COMMAND:-}" == ADD ]] || return 0
    cni_valid_id "$id" && cni_valid_ifname "$ifn" || return 0
    link_host_name "$id" "$ifn"
    host="$REPLY"
    # A namespace that passes the cheap checks, the bridge, no mtu, and the store's .ids dir.
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
        # A delegated ipam plugin takes its own lock (host-local: the same file).
        link_spawn "$host" "$REPLY" "$ifn" "$br" "" "$ns"
    else
        link_spawn "$host" "$REPLY" "$ifn" "$br" "" "$ns" "$dir" "${t:-$IPAM_DEFAULT_LOCK_TIMEOUT}"
    fi
}

# layout: start
# early_del: DEL of bash-cni: start deleting the attachment's pair now (valid IDs only). Whether the
# attachment was marked by a killed ADD is seen later; that DEL then waits and deletes once more.
# A deletion cannot be undone, so it starts only when the configuration's first "cniVersion" is one
# DEL will accept: a DEL refused with code 1 (incompatible versions) leaves the pod as it was.
early_del() {
    local v
    cni_valid_id "${CNI_CONTAINERID:-}" && cni_valid_ifname "${CNI_IFNAME:-}" || return 0
    cni_read_stdin
    [[ "$CNI_STDIN" =~ \"cniVersion\"[[:space:]]*:[[:space:]]*\"([0-9.]+)\" ]] || return 0
    for v in "${CNI_SUPPORTED_VERSIONS[@]}"; do
        [[ "$v" != "${BASH_REMATCH[1]}" ]] || break
    done
    [[ "$v" == "${BASH_REMATCH[1]}" ]] || return 0
    link_host_name "$CNI_CONTAINERID" "$CNI_IFNAME"
    link_spawn_del "$REPLY"
}
