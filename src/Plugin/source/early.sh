# shellcheck shell=bash disable=SC2034
# The early start of bash-cni: work begun before the configuration is validated, because the slow
# external work of ADD and DEL needs little of it. bash-cni-ipam has none.
#
# Contract.
# - What it may assume: the environment, checked with the same rules as later (cni_valid_id,
#   cni_valid_ifname, cni_netns_plausible), and the configuration as the bash reader parsed it
#   (cfg_parse fast: the fields of CFG_FIELDS, the table cfg_resolve reads too). A configuration
#   that needs jq, an mtu, a store without its .ids directory, and nothing is started.
# - What it starts, and its one record of it (EARLY_*):
#   DEL (early_del): the background `ip link del` of the host end (link_spawn_del, undo step
#     link_reap_del; EARLY_DEL_HOST), when the configuration's cniVersion is one DEL accepts.
#   ADD (early_start): the attachment's mark "adding" (mark_try_write: EARLY_MARK), the store lock
#     requested for the lab form (ipam_lock_open: EARLY_LOCK "<dir>|<timeout>", EARLY_LOCK_FD), and
#     one helper (link_spawn) that takes that lock, creates the pair (EARLY_PAIR "host hmac pod
#     bridge mtu netns") and waits in the pod namespace as the `ip -batch` of the pod end. Its undo
#     step early_undo ends all of it.
# - Who adopts it: cmd_add calls early_adopt right after cfg_resolve; it compares the record with
#   the resolved configuration and adopts all of it (ADD then pushes its own undo steps) or undoes
#   all of it (ADD then does it itself). cmd_del calls early_del_adopt, which keeps DEL's `ip link
#   del` when it deletes the host end the configuration names. A refused configuration ends in cni_error, whose undo_run runs early_undo.
# Nothing in mark.sh, link.sh or store.sh knows about the early start.

# layout: start
EARLY_MARK=""            # the record of what early_start began (see above)
EARLY_PAIR=""
EARLY_LOCK=""
EARLY_LOCK_FD=""
EARLY_DEL_HOST=""        # DEL: the host end early_del's `ip link del` deletes

# early_del: DEL of bash-cni: start deleting the attachment's pair now (valid IDs only). Whether the
# attachment was marked by a killed ADD is seen later; that DEL then waits and deletes once more.
# A deletion cannot be undone, so it starts only when the configuration's cniVersion is one DEL will
# accept: a DEL refused with code 1 (incompatible versions) leaves the pod as it was.
early_del() {
    local host rank
    cni_valid_id "${CNI_CONTAINERID:-}" && cni_valid_ifname "${CNI_IFNAME:-}" || return 0
    cni_read_stdin
    cfg_parse fast || return 0
    cni_version_rank rank "$CFG_VERSION"
    (( rank > 0 )) || return 0
    link_host_name host "$CNI_CONTAINERID" "$CNI_IFNAME"
    link_spawn_del "$host"
    EARLY_DEL_HOST="$host"
}

# early_del_adopt HOST: DEL: 0 = the `ip link del` early_del started deletes HOST (DEL collects it
# with link_finish_del); else one it started for another name is collected and 1 returned.
early_del_adopt() {
    [[ -n "$EARLY_DEL_HOST" ]] || return 1
    [[ "$EARLY_DEL_HOST" != "$1" ]] || return 0
    link_reap_del
    EARLY_DEL_HOST=""
    return 1
}

# layout: add-start
# early_start: ADD: start what can start (see above) and write its record.
early_start() {
    local id="${CNI_CONTAINERID:-}" ifn="${CNI_IFNAME:-}" ns="${CNI_NETNS:-}" br dir t host hmac lfd=""
    cni_read_stdin
    cni_valid_id "$id" && cni_valid_ifname "$ifn" && cni_netns_plausible "$ns" || return 0
    cfg_parse fast || return 0
    br="${CFG_BRIDGE:-$DEFAULT_BRIDGE}"
    cni_valid_ifname "$br" && [[ -z "$CFG_MTU" && "$CFG_IPAM_KIND" != bad ]] && cni_valid_id "$CFG_NAME" || return 0
    dir="${CFG_DATA_DIR:-$IPAM_DEFAULT_DATA_DIR}"
    dir="${dir%/}/$CFG_NAME"
    t="${CFG_LOCK_TIMEOUT:-$IPAM_DEFAULT_LOCK_TIMEOUT}"
    [[ -d "$dir/.ids" && ${#id} -le 200 ]] || return 0
    mark_try_write "$dir/.ids/.lock-$id:$ifn" || return 0
    EARLY_MARK="$MARK"
    undo_push early_undo
    link_host_name host "$id" "$ifn"
    link_host_mac hmac "$id" "$ifn"
    # The lab form's lock, taken by the helper; a delegated ipam plugin takes its own (host-local: the same file).
    if [[ "$CFG_IPAM_KIND" == none ]] && ipam_lock_open lfd "$dir"; then
        EARLY_LOCK="$dir|$t"
        EARLY_LOCK_FD="$lfd"
    fi
    link_spawn "$host" "$hmac" "$ifn" "$br" "" "$ns" "$lfd" "$t"
    EARLY_PAIR="$host $hmac $ifn $br  $ns"
}

# early_adopt LOCK_FD_VAR: ADD, right after cfg_resolve: what early_start began is adopted when its
# record is what the resolved configuration says (the mark's file, the pair, the lock's store and
# timeout), and LOCK_FD_VAR = the descriptor of the requested lock; else all of it is undone. 1 =
# nothing adopted (nothing began, or it was undone): ADD does it itself.
early_adopt() {
    local mark host hmac lock=""
    printf -v "$1" '%s' ""
    [[ -n "$EARLY_MARK" ]] || return 1
    mark_path mark
    link_host_name host "$CNI_CONTAINERID" "$CNI_IFNAME"
    link_host_mac hmac "$CNI_CONTAINERID" "$CNI_IFNAME"
    [[ -z "$LAB_IPAM" ]] || lock="$IPAM_DIR|$IPAM_LOCK_TIMEOUT"
    if [[ "$EARLY_MARK" == "$mark" && "$EARLY_PAIR" == "$host $hmac $CNI_IFNAME $BRIDGE $MTU $CNI_NETNS" &&
          "$EARLY_LOCK" == "$lock" ]]; then
        printf -v "$1" '%s' "$EARLY_LOCK_FD"
        undo_drop early_undo
        EARLY_MARK="" EARLY_PAIR="" EARLY_LOCK="" EARLY_LOCK_FD=""
        return 0
    fi
    early_undo
    undo_drop early_undo
    return 1
}

# early_undo: end what early_start began (the undo step it pushed): the helper and the pair it made,
# the lock request, the mark.
early_undo() {
    [[ -z "$EARLY_PAIR" ]] || add_undo_link
    [[ -z "$EARLY_LOCK_FD" ]] || exec {EARLY_LOCK_FD}>&-
    [[ -z "$EARLY_MARK" ]] || mark_drop "$EARLY_MARK" "$MARK_NEW"
    MARK="" MARK_NEW=""
    LINK_ARGS=()
    EARLY_MARK="" EARLY_PAIR="" EARLY_LOCK="" EARLY_LOCK_FD=""
}
