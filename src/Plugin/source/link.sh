# shellcheck shell=bash disable=SC2034
# Links for bash-cni: the host end's name and MAC, the veth pair, the bridge, the pod end, deleting
# the pair, and CHECK's reading of the pod end. Only `ip` (iproute2) and `nsenter` (util-linux) are
# used; /sys is never read because it may belong to another network namespace than the one the
# plugin runs in.
# ADD: one helper (link_spawn) creates the pair (link_create_pair) and then waits in the pod's
# namespace as the `ip -batch` that gets the pod end's commands (before that, it can take the store
# lock for ADD: link_pod_lock_status reads what it got), link_finish_veth collects the pair and
# repairs the bridge if needed, link_setup_pod sends the pod end's MAC, address and routes. DEL: a
# background `ip link del` (link_spawn_del) collected by link_finish_del.
# Globals, beside the list below (what the undo steps give back: the pair, the helper, the background `ip`):
#   LINK_BG_OUT LINK_BG_RC          what link_create_pair printed and its status (link_wait_veth)
#   LINK_BR_OUT LINK_BR_MAC LINK_BR_UP LINK_BR_HAS_GW   the bridge as `ip` showed it (link_read_bridge)
#   LINK_ERR LINK_POD_ERR           what a failed `ip` printed (bridge set-up and DEL; the pod end)
#   LINK_DEFAULT_SKIPPED            the pod kept its own default route (link_setup_pod)
#   LINK_PROBLEMS                   CHECK's findings (link_check_pod)

# layout: start
LINK_HASH=""             # link_host_hash: the hash of LINK_HASH_OF ("ID/IFNAME")
LINK_HASH_OF=""
LINK_CREATED=""          # the pair exists because this ADD made it
LINK_BG_FD=""            # output of the background link_create_pair, until collected
LINK_ARGS=()             # HOST HMAC POD PMAC BRIDGE MTU NETNS of the pair being made
LINK_POD_PID=""          # the `ip -batch` waiting in the pod namespace, its stdin and output
LINK_POD_IN=""
LINK_POD_OUT=""
LINK_POD_NS=""
LINK_POD_LOCKLINE=""     # its output still starts with the helper's "lock N" line
LINK_DEL_PID=""          # the background `ip link del` and its output
LINK_DEL_FD=""

# link_host_hash ID IFNAME: LINK_HASH = FNV-1a-32 of the bytes of "ID/IFNAME" (kept for the next call
# with the same names: LINK_HASH_OF). The bytes become "'c" words (printf's %d then gives each byte's
# code) and the hash is one arithmetic expression; the words come from one pattern substitution where
# bash has patsub_replacement (5.2+) and the name has no blanks, else from a loop.
link_host_hash() {
    local s="$1/$2" h=2166136261 i expr
    local -a ords=()
    [[ "$s" != "$LINK_HASH_OF" ]] || return 0
    if [[ "$s" != *[[:space:]]* ]] && shopt -q patsub_replacement 2>/dev/null; then
        set -f
        # shellcheck disable=SC2206  # split on purpose (no blanks in s; globbing is off)
        ords=(${s//?/\'& })
        set +f
    else
        for (( i = 0; i < ${#s}; i++ )); do
            ords+=("'${s:i:1}")
        done
    fi
    printf -v expr 'h=((h^(%d&255))*16777619)&0xffffffff,' "${ords[@]}"
    (( ${expr}1 ))
    LINK_HASH="$h"
    LINK_HASH_OF="$s"
}

# link_host_name VAR ID IFNAME: VAR = the host end's name, "veth" + the hash in hex (link_host_hash).
link_host_name() {
    link_host_hash "$2" "$3"
    printf -v "$1" 'veth%08x' "$LINK_HASH"
}

# layout: add-start
# link_host_mac VAR ID IFNAME: VAR = the host end's MAC, 0e:58 + the 4 bytes of the hash (link_host_hash).
link_host_mac() {
    link_host_hash "$2" "$3"
    printf -v "$1" '0e:58:%02x:%02x:%02x:%02x' $(( (LINK_HASH >> 24) & 255 )) $(( (LINK_HASH >> 16) & 255 )) \
        $(( (LINK_HASH >> 8) & 255 )) $(( LINK_HASH & 255 ))
}

# pipe_open R_VAR W_VAR: R_VAR W_VAR = the ends of a pipe of our own, made without starting a process: a
# here-string is a pipe in bash >= 5.1, and its read end is reopened for writing through /proc. Fails where not so.
pipe_open() {
    local r w line
    { exec {r}<<<""; } 2>/dev/null || return 1
    if [[ -p "/proc/self/fd/$r" ]] && IFS= read -r -u "$r" line && { exec {w}>"/proc/self/fd/$r"; } 2>/dev/null; then
        printf -v "$1" '%s' "$r"
        printf -v "$2" '%s' "$w"
        return 0
    fi
    exec {r}<&-
    return 1
}

# link_spawn HOST HMAC POD BRIDGE MTU NETNS [LOCKFD TIMEOUT]: start, as one child (bash, whose
# every fork costs about a millisecond here, forks once), the helper that one after the other
#   1. with LOCKFD (a descriptor on the store's lock file, ipam_lock_open), takes the lock with flock
#      on it and reports "lock <flock status>" (link_pod_lock_status reads it), the lock then being ours,
#   2. runs link_create_pair (its output: LINK_BG_FD),
#   3. becomes the `ip -batch` of the pod end, which waits for its commands on LINK_POD_IN (its
#      output: LINK_POD_OUT; link_setup_pod sends them once the address is known).
# One after the other, not at once: on a small machine they would take the processor from bash,
# which meanwhile reads the rest of the plugin and checks the configuration, and is done later.
# Without the pipes it needs (or for a NETNS that `ip -batch` cannot carry) only step 1 happens.
link_spawn() {
    local r1 w1 r2 w2 lfd=""
    if [[ "$6" == *[[:space:]\"\'\\#]* ]] || ! pipe_open r1 w1; then
        link_spawn_veth "$@"
        return 0
    fi
    if ! pipe_open r2 w2; then
        exec {r1}<&- {w1}>&-
        link_spawn_veth "$@"
        return 0
    fi
    lfd="${7:-}"
    [[ -z "$lfd" ]] || LINK_POD_LOCKLINE=1
    LINK_ARGS=("$1" "$2" "$3" "" "$4" "$5" "$6")
    exec {LINK_POD_IN}> >(link_helper "$w1" "$w2" "$lfd" "${8:-}" "${@:1:6}" {r1}<&- {r2}<&-)
    LINK_POD_PID="$!"
    exec {w1}>&- {w2}>&-
    LINK_BG_FD="$r1"
    LINK_POD_OUT="$r2"
    LINK_POD_NS="$6"
}

# link_helper W1 W2 LOCKFD TIMEOUT HOST HMAC POD BRIDGE MTU NETNS: the child of link_spawn.
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

# link_create_pair HOST HMAC POD BRIDGE MTU NETNS: run the `ip` that reads the bridge and creates
# the pair: the pod end directly inside NETNS (the pod name never exists in the host namespace),
# down and without address; the host end a port of the bridge, up. Prints what `ip` printed, then
# "@exit <status>" (link_wait_veth reads both). Runs in a child: link_spawn or link_spawn_veth.
link_create_pair() {
    local rc=0
    ip -batch - 2>&1 <<<"addr show dev $4
link add name $1 address $2${5:+ mtu $5} master $4 up type veth peer name $3${5:+ mtu $5} netns $6" || rc=$?
    printf '\n@exit %d\n' "$rc"
}

# link_pod_exec NETNS: become the `ip -batch` that configures the pod end inside NETNS (`ip -n NAME`
# for a namespace under /run/netns, else through nsenter). Runs in a child.
link_pod_exec() {
    local name
    if netns_name name "$1"; then
        exec ip -n "$name" -batch - 2>&1
    fi
    exec nsenter --net="$1" ip -batch - 2>&1
}

# link_spawn_veth HOST HMAC POD BRIDGE MTU NETNS: start creating the pair in the background. A NETNS
# path with blanks or quotes (which `ip -batch` would split) is left to link_finish_veth.
link_spawn_veth() {
    LINK_ARGS=("$1" "$2" "$3" "" "$4" "$5" "$6")
    [[ "$6" != *[[:space:]\"\'\\#]* ]] || return 0
    exec {LINK_BG_FD}< <(link_create_pair "${@:1:6}")
}

# layout: link
# link_pod_lock_status VAR: VAR = the flock status the helper reported for the lock it took for us
# (link_spawn with LOCKFD), "" when it reported none (it was not asked, or it ended before).
link_pod_lock_status() {
    local line=""
    printf -v "$1" '%s' ""
    [[ -n "$LINK_POD_LOCKLINE" ]] || return 0
    LINK_POD_LOCKLINE=""
    IFS= read -r line <&"$LINK_POD_OUT" || true
    [[ "$line" != "lock "[0-9]* ]] || printf -v "$1" '%s' "${line#lock }"
}

# link_wait_veth: collect link_create_pair (if it runs): LINK_BG_OUT = what `ip` printed, LINK_BG_RC
# = its exit status (255 when none ran); LINK_CREATED = 1 if it made the pair.
link_wait_veth() {
    LINK_BG_OUT=""
    LINK_BG_RC=255
    [[ -n "$LINK_BG_FD" ]] || return 0
    IFS= read -r -d '' LINK_BG_OUT <&"$LINK_BG_FD" || true
    exec {LINK_BG_FD}<&-
    LINK_BG_FD=""
    if [[ "$LINK_BG_OUT" == *$'\n@exit '[0-9]* ]]; then
        LINK_BG_RC="${LINK_BG_OUT##*$'\n@exit '}"
        LINK_BG_RC="${LINK_BG_RC%%[!0-9]*}"
        LINK_BG_OUT="${LINK_BG_OUT%$'\n@exit '*}"
    fi
    (( LINK_BG_RC != 0 )) || LINK_CREATED=1
}

# link_parse_bridge TEXT: read `ip addr show` output of the bridge into LINK_BR_MAC, LINK_BR_UP and
# LINK_BR_HAS_GW (the gateway address IPAM_GATEWAY is on it, any prefix).
link_parse_bridge() {
    local text="$1" line
    LINK_BR_MAC=""
    LINK_BR_UP=""
    LINK_BR_HAS_GW=""
    line="${text%%$'\n'*}"
    [[ "$line" == *[\<,]UP[,\>]* ]] && LINK_BR_UP=1
    if [[ "$text" == *" link/ether "* ]]; then
        line="${text#*" link/ether "}"
        line="${line:0:17}"
        [[ "$line" == [0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f] ]] &&
            LINK_BR_MAC="$line"
    fi
    [[ -z "$IPAM_GATEWAY" || "$text" == *" inet $IPAM_GATEWAY/"* ]] && LINK_BR_HAS_GW=1
    return 0
}

# link_finish_veth: the pair exists, and the bridge is up with the gateway address (IPAM_GATEWAY,
# known by now), or the ADD ends with code 100. A missing bridge (the batch failed on its first
# line) is set up and the pair created then. Sets the LINK_BR_* facts.
link_finish_veth() {
    local had_bg="$LINK_BG_FD"
    link_wait_veth
    if [[ -n "$LINK_CREATED" ]]; then
        [[ -z "$had_bg" ]] || link_parse_bridge "$LINK_BG_OUT"
    elif [[ -z "$had_bg" || "$LINK_BG_OUT" == *"failed -:1"* ]]; then
        link_ensure_bridge "${LINK_ARGS[4]}" "${LINK_ARGS[5]}"
        link_add_veth_alone "${LINK_ARGS[@]}"
    else
        link_add_failed "${LINK_ARGS[0]}" "${LINK_ARGS[2]}" "${LINK_ARGS[6]}" "$LINK_BG_OUT"
    fi
    if [[ -z "$LINK_BR_UP" || -z "$LINK_BR_HAS_GW" || -z "$LINK_BR_MAC" ]]; then
        link_ensure_bridge "${LINK_ARGS[4]}" "${LINK_ARGS[5]}"
    fi
    return 0
}

# link_setup_pod NETNS IFNAME ADDRESS/PREFIX MAC GATEWAY DEFAULT [ROUTE...]: MAC, up, address, the
# ROUTEs ("dst|gw"; gw defaults to GATEWAY), and with DEFAULT (non-empty) a default route via
# GATEWAY. The default route comes last: if the pod already has one (a second interface), that one
# is kept (LINK_DEFAULT_SKIPPED) and the failure of this last line is not an error. The commands go
# to the `ip` waiting in NETNS (started by link_spawn) when there is one, else to a new one.
link_setup_pod() {
    local ns="$1" ifn="$2" cidr="$3" mac="$4" gateway="$5" def="$6" batch r dst gw err lines=2 default_line=0
    shift 6
    batch="link set dev $ifn address $mac up"$'\n'"addr add $cidr brd + dev $ifn"$'\n'
    for r in "$@"; do
        dst="${r%%|*}"
        gw="${r#*|}"
        gw="${gw:-$gateway}"
        batch+="route add $dst${gw:+ via $gw} dev $ifn"$'\n'
        lines=$(( lines + 1 ))
    done
    if [[ -n "$def" ]]; then
        batch+="route add default via $gateway dev $ifn"$'\n'
        lines=$(( lines + 1 ))
        default_line="$lines"
    fi
    if [[ -n "$LINK_POD_PID" && "$LINK_POD_NS" == "$ns" ]] && link_pod_send "$batch"; then
        [[ -n "$LINK_POD_ERR" ]] || return 0
    else
        link_abort_pod
        link_pod_batch "$ns" "$batch" && return 0
    fi
    # The waiting `ip` answers with its output's trailing newline (a command substitution strips it).
    err="${LINK_POD_ERR%$'\n'}"
    if [[ "$err" == *"File exists"* && "$err" == *"failed -:$default_line" ]]; then
        LINK_DEFAULT_SKIPPED=1
        return 0
    fi
    cni_error 100 "cannot configure $ifn in $ns" "${err//$'\n'/ }"
}

# link_pod_send BATCH: give BATCH to the waiting pod `ip` and collect it: LINK_POD_ERR = its output
# when a line failed, "" when all ran. Fails (nothing ran) if that `ip` could not enter the namespace.
link_pod_send() {
    local out="" rc=0
    trap '' PIPE
    { printf '%s' "$1" >&"$LINK_POD_IN"; } 2>/dev/null || rc=1
    trap - PIPE
    exec {LINK_POD_IN}>&-
    IFS= read -r -d '' out <&"$LINK_POD_OUT" || true
    exec {LINK_POD_OUT}<&-
    if [[ -n "$LINK_POD_LOCKLINE" && "$out" == "lock "* ]]; then
        out="${out#*$'\n'}"
    fi
    LINK_POD_LOCKLINE=""
    wait "$LINK_POD_PID" || rc=$?
    LINK_POD_PID=""
    LINK_POD_ERR=""
    (( rc == 0 )) && return 0
    # Lines ran (and one failed): that is the answer. Otherwise the commands were not run.
    [[ "$out" == *"Command failed -:"* ]] || return 1
    LINK_POD_ERR="$out"
}

# layout: link-extra < link
# link_abort_pod: end the waiting pod `ip` without commands (if there is one).
link_abort_pod() {
    [[ -n "$LINK_POD_PID" ]] || return 0
    exec {LINK_POD_IN}>&- {LINK_POD_OUT}<&-
    wait "$LINK_POD_PID" 2>/dev/null || true
    LINK_POD_PID=""
    LINK_POD_LOCKLINE=""
}

# link_pod_batch NETNS BATCH [IP-OPTION...]: run `ip [IP-OPTION...] -batch` inside NETNS;
# LINK_POD_ERR = its output (stdout and stderr).
# A namespace named under /run/netns (what runtimes pass) is entered by ip itself (`ip -n NAME`),
# which saves starting nsenter; any other path, or an `ip -n` that could not switch, uses nsenter.
link_pod_batch() {
    local ns="$1" batch="$2" name
    shift 2
    if netns_name name "$ns"; then
        if LINK_POD_ERR="$(exec ip "$@" -n "$name" -batch - 2>&1 <<<"$batch")"; then
            return 0
        fi
        # Lines ran (and one failed): that is the answer. Otherwise ip could not enter the namespace.
        [[ "$LINK_POD_ERR" == *"Command failed -:"* ]] && return 1
    fi
    LINK_POD_ERR="$(exec nsenter --net="$ns" ip "$@" -batch - 2>&1 <<<"$batch")"
}

# link_read_bridge NAME: LINK_BR_OUT = `ip addr show` of the bridge (fails if it does not exist).
link_read_bridge() {
    LINK_BR_OUT="$(exec ip addr show dev "$1" 2>/dev/null)" || LINK_BR_OUT=""
    link_parse_bridge "$LINK_BR_OUT"
    [[ -n "$LINK_BR_OUT" ]]
}

# link_ensure_bridge NAME MTU: bridge present, up, with the gateway address; reuses one made by hand.
# Concurrent ADDs serialise the repair on a lock file and re-read the bridge after taking it.
link_ensure_bridge() {
    local br="$1" mtu="$2" fd="" batch="" mac
    if { exec {fd}>>"/run/bash-cni-bridge-$br.lock"; } 2>/dev/null; then
        flock -w 10 "$fd" 2>/dev/null || true
    else
        fd=""
    fi
    if ! link_read_bridge "$br"; then
        ipv4_mac mac 0a:58 "$IPAM_GW"
        batch+="link add name $br address $mac${mtu:+ mtu $mtu} type bridge"$'\n'
    fi
    [[ -n "$LINK_BR_HAS_GW" ]] || batch+="addr add $IPAM_GATEWAY/$IPAM_PREFIX brd + dev $br"$'\n'
    [[ -n "$LINK_BR_UP" ]] || batch+="link set dev $br up"$'\n'
    if [[ -n "$batch" ]]; then
        # Every line is tried (-force) and the bridge is judged by what it is afterwards: an ADD that did
        # not get the lock in time may have made part of it meanwhile ("File exists").
        LINK_ERR="$(exec ip -force -batch - 2>&1 <<<"$batch")" || true
        if ! link_read_bridge "$br" || [[ -z "$LINK_BR_UP" || -z "$LINK_BR_HAS_GW" ]]; then
            [[ -n "$fd" ]] && exec {fd}>&-
            cni_error 100 "cannot set up bridge $br" "${LINK_ERR//$'\n'/ }"
        fi
    fi
    [[ -n "$fd" ]] && exec {fd}>&-
    if [[ -z "$LINK_BR_MAC" ]]; then
        cni_error 100 "link $br is not a usable bridge" "${LINK_BR_OUT%%$'\n'*}"
    fi
    return 0
}

# link_add_veth_alone HOST HMAC POD PMAC BR MTU NETNS: the pair as a single `ip link add` (PMAC may be
# empty: then the pod end gets its MAC later, in link_setup_pod).
link_add_veth_alone() {
    local host="$1" hmac="$2" pod="$3" pmac="$4" br="$5" mtu="$6" ns="$7" err
    if err="$(exec ip link add name "$host" address "$hmac" ${mtu:+mtu "$mtu"} master "$br" up \
        type veth peer name "$pod" ${pmac:+address "$pmac"} ${mtu:+mtu "$mtu"} netns "$ns" 2>&1)"; then
        LINK_CREATED=1
        return 0
    fi
    link_add_failed "$host" "$pod" "$ns" "$err"
}

# link_add_failed HOST POD NETNS ERR: report why the pair could not be created (nothing was made).
link_add_failed() {
    local host="$1" pod="$2" ns="$3" err="$4"
    # CNI_NETNS was only checked to be an empty file; `ip` refused it if it is no namespace.
    if ! cni_is_netns "$ns"; then
        cni_error 100 "failed to open netns $ns: not a network namespace"
    fi
    if [[ "$err" == *"File exists"* ]]; then
        if ip link show dev "$host" >/dev/null 2>&1; then
            cni_error 100 "host interface $host already exists (an earlier ADD for this container and interface was not deleted)"
        fi
        cni_error 100 "interface $pod already exists in $ns"
    fi
    cni_error 100 "cannot create the veth pair $host/$pod" "${err//$'\n'/ }"
}

# layout: start
# link_spawn_del HOST: delete the host end (and with it the pod end) in the background; a DEL that
# fails before it collected that `ip` still waits for it (link_reap_del), never leaves it running.
link_spawn_del() {
    exec {LINK_DEL_FD}< <(exec ip link del dev "$1" 2>&1)
    LINK_DEL_PID="$!"
    undo_push link_reap_del
}

# link_reap_del: wait for the background `ip link del` (if still uncollected), ignoring its output.
link_reap_del() {
    local out
    [[ -n "$LINK_DEL_PID" ]] || return 0
    IFS= read -r -d '' out <&"$LINK_DEL_FD" || true
    exec {LINK_DEL_FD}<&-
    wait "$LINK_DEL_PID" || true
    LINK_DEL_PID=""
}

# layout: link-del < link
# link_finish_del: collect the background `ip link del` (if one runs); 1 = it failed (LINK_ERR).
link_finish_del() {
    local err="" rc=0
    [[ -n "$LINK_DEL_PID" ]] || return 0
    IFS= read -r -d '' err <&"$LINK_DEL_FD" || true
    exec {LINK_DEL_FD}<&-
    wait "$LINK_DEL_PID" || rc=$?
    LINK_DEL_PID=""
    (( rc == 0 )) || link_del_error "$err"
}

# link_del HOSTNAME: delete the host end (and with it the pod end); missing is fine.
link_del() {
    local err
    err="$(exec ip link del dev "$1" 2>&1)" || link_del_error "$err"
}

# link_del_error ERR: classify the output of a failed `ip link del`: missing is fine (DEL is
# idempotent) (0), else
# LINK_ERR = ERR and 1.
link_del_error() {
    case "$1" in
        # Gone already. "No such device": the link vanished between ip's look-up and its delete (the
        # kernel removes a veth pair asynchronously when the pod's namespace is deleted).
        *"Cannot find device"* | *"does not exist"* | *"No such device"*) return 0 ;;
    esac
    LINK_ERR="$1"
    return 1
}

# layout: link-extra < link
# link_route_key VAR DST: VAR = DST as `ip route show` prints it ("default" for 0.0.0.0/0, no /32).
link_route_key() {
    case "$2" in
        0.0.0.0/0) printf -v "$1" '%s' default ;;
        */32) printf -v "$1" '%s' "${2%/32}" ;;
        *) printf -v "$1" '%s' "$2" ;;
    esac
}

# link_check_pod NETNS IFNAME ADDRESS/PREFIX MAC ROUTES: compare the pod interface with a previous
# result (one `ip` run reads address, link and routes). ROUTES = "dst|gw ..." (gw may be empty).
# LINK_PROBLEMS = what does not match (empty when all is as described).
link_check_pod() {
    local ns="$1" ifn="$2" cidr="$3" mac="$4" out line addrs="" link="" table="" r dst gw key
    local -a routes=()
    read -r -a routes <<<"$5"
    LINK_PROBLEMS=()
    if ! link_pod_batch "$ns" "addr show dev $ifn"$'\n'"link show dev $ifn"$'\n'"route show dev $ifn" -o ||
       [[ -z "$LINK_POD_ERR" ]]; then
        LINK_PROBLEMS+=("interface $ifn is missing in $ns")
        return 0
    fi
    out="$LINK_POD_ERR"
    while IFS= read -r line; do
        if [[ "$line" =~ ^[0-9]+:\ [^\ ]+\ +inet ]]; then
            addrs+="$line "$'\n'
        elif [[ "$line" =~ ^[0-9]+:\  ]]; then
            link="$line "
        else
            table+=$'\n'"$line "
        fi
    done <<<"$out"
    table+=$'\n'
    [[ "$addrs" == *" inet $cidr "* ]] || LINK_PROBLEMS+=("$ifn in $ns does not have $cidr")
    if [[ -n "$mac" && "$link" != *" link/ether $mac "* ]]; then
        LINK_PROBLEMS+=("$ifn in $ns does not have MAC $mac")
    fi
    [[ "$link" == *[\<,]UP[,\>]* ]] || LINK_PROBLEMS+=("$ifn in $ns is down")
    for r in "${routes[@]}"; do
        dst="${r%%|*}"
        gw="${r#*|}"
        link_route_key key "$dst"
        if [[ -z "$dst" || "$table" != *$'\n'"$key ${gw:+via $gw }"* ]]; then
            LINK_PROBLEMS+=("$ifn in $ns has no route to $dst${gw:+ via $gw}")
        fi
    done
    return 0
}
