# shellcheck shell=bash disable=SC2034
# Links for bash-cni: the bridge, the veth pair and the pod side configuration.
# Only `ip` (iproute2) and `nsenter` (util-linux) are used; /sys is never read because it may
# belong to another network namespace than the one the plugin runs in.

# link_host_name ID IFNAME: REPLY = host-side veth name, "veth" + FNV-1a-32 of "ID/IFNAME" in hex.
# The bytes become "'c" words (printf's %d then gives each byte's code) and the hash is one
# arithmetic expression; the words come from one pattern substitution where bash has
# patsub_replacement (5.2+) and the name has no blanks, else from a loop.
link_host_name() {
    local s="$1/$2" h=2166136261 i expr
    local -a ords=()
    if [[ "$s" != *[[:space:]]* ]] && shopt -q patsub_replacement 2>/dev/null; then
        read -r -a ords <<<"${s//?/\'& }"
    else
        for (( i = 0; i < ${#s}; i++ )); do
            ords+=("'${s:i:1}")
        done
    fi
    printf -v expr 'h=((h^(%d&255))*16777619)&0xffffffff,' "${ords[@]}"
    (( ${expr}1 ))
    printf -v REPLY 'veth%08x' "$h"
}

# link_parse_bridge TEXT: read `ip addr show` output of the bridge into LINK_BR_MAC, LINK_BR_UP and
# LINK_BR_HAS_GW (the gateway address IPAM_GATEWAY is on it, any prefix).
link_parse_bridge() {
    local text="$1" line
    LINK_BR_MAC=""
    LINK_BR_UP=""
    LINK_BR_HAS_GW=""
    line="${text%%$'\n'*}"
    [[ "$line" =~ \<([A-Z_,-]*)\> && ",${BASH_REMATCH[1]}," == *,UP,* ]] && LINK_BR_UP=1
    [[ "$text" =~ link/ether\ ([0-9a-f:]{17}) ]] && LINK_BR_MAC="${BASH_REMATCH[1]}"
    [[ -z "$IPAM_GATEWAY" || "$text" == *" inet $IPAM_GATEWAY/"* ]] && LINK_BR_HAS_GW=1
    return 0
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
        ipv4_mac 0a:58 "$IPAM_GW"
        mac="$REPLY"
        batch+="link add name $br address $mac${mtu:+ mtu $mtu} type bridge"$'\n'
    fi
    [[ -n "$LINK_BR_HAS_GW" ]] || batch+="addr add $IPAM_GATEWAY/$IPAM_PREFIX brd + dev $br"$'\n'
    [[ -n "$LINK_BR_UP" ]] || batch+="link set dev $br up"$'\n'
    if [[ -n "$batch" ]]; then
        LINK_ERR="$(exec ip -batch - 2>&1 <<<"$batch")" || {
            [[ -n "$fd" ]] && exec {fd}>&-
            cni_error 100 "cannot set up bridge $br" "${LINK_ERR//$'\n'/ }"
        }
        link_read_bridge "$br" || true
    fi
    [[ -n "$fd" ]] && exec {fd}>&-
    if [[ -z "$LINK_BR_MAC" ]]; then
        cni_error 100 "link $br is not a usable bridge" "${LINK_BR_OUT%%$'\n'*}"
    fi
    return 0
}

# link_add_veth HOSTNAME HOSTMAC PODNAME PODMAC BRIDGE MTU NETNS: create the pair with the pod end
# directly inside NETNS (the pod name never exists in the host namespace), host end a port of the
# bridge. One `ip` run reads the bridge and creates the pair when the bridge is there; otherwise
# the bridge is set up first. Sets LINK_CREATED=1 and the LINK_BR_* facts.
link_add_veth() {
    local host="$1" hmac="$2" pod="$3" pmac="$4" br="$5" mtu="$6" ns="$7" out add
    add="link add name $host address $hmac${mtu:+ mtu $mtu} master $br up type veth peer name $pod address $pmac${mtu:+ mtu $mtu} netns"
    # The netns path is the only free-form word; ip's batch reader splits on blanks and honours quotes.
    if [[ "$ns" == *[[:space:]\"\'\\#]* ]]; then
        link_ensure_bridge "$br" "$mtu"
        link_add_veth_alone "$host" "$hmac" "$pod" "$pmac" "$br" "$mtu" "$ns"
        return 0
    fi
    if out="$(exec ip -batch - 2>&1 <<<"addr show dev $br"$'\n'"$add $ns")"; then
        LINK_CREATED=1
        LINK_BR_OUT="$out"
        link_parse_bridge "$out"
        if [[ -z "$LINK_BR_UP" || -z "$LINK_BR_HAS_GW" || -z "$LINK_BR_MAC" ]]; then
            link_ensure_bridge "$br" "$mtu"
        fi
        return 0
    fi
    if [[ "$out" == *"failed -:1"* ]]; then
        link_ensure_bridge "$br" "$mtu"
        link_add_veth_alone "$host" "$hmac" "$pod" "$pmac" "$br" "$mtu" "$ns"
        return 0
    fi
    link_add_failed "$host" "$pod" "$ns" "$out"
}

# link_add_veth_alone: the same creation as a single `ip link add`.
link_add_veth_alone() {
    local host="$1" hmac="$2" pod="$3" pmac="$4" br="$5" mtu="$6" ns="$7" err
    if err="$(exec ip link add name "$host" address "$hmac" ${mtu:+mtu "$mtu"} master "$br" up \
        type veth peer name "$pod" address "$pmac" ${mtu:+mtu "$mtu"} netns "$ns" 2>&1)"; then
        LINK_CREATED=1
        return 0
    fi
    link_add_failed "$host" "$pod" "$ns" "$err"
}

# link_add_failed HOST POD NETNS ERR: report why the pair could not be created (nothing was made).
link_add_failed() {
    local host="$1" pod="$2" ns="$3" err="$4"
    if [[ "$err" == *"File exists"* ]]; then
        if ip link show dev "$host" >/dev/null 2>&1; then
            cni_error 100 "host interface $host already exists (an earlier ADD for this container and interface was not deleted)"
        fi
        cni_error 100 "interface $pod already exists in $ns"
    fi
    cni_error 100 "cannot create the veth pair $host/$pod" "${err//$'\n'/ }"
}

# link_pod_batch NETNS BATCH [IP-OPTION...]: run `ip [IP-OPTION...] -batch` inside NETNS;
# LINK_POD_ERR = its output (stdout and stderr).
# A namespace named under /run/netns (what runtimes pass) is entered by ip itself (`ip -n NAME`),
# which saves starting nsenter; any other path, or an `ip -n` that could not switch, uses nsenter.
link_pod_batch() {
    local ns="$1" batch="$2" name="${1##*/}"
    shift 2
    if [[ -n "$name" && "$name" != . && "$name" != .. && "$name" != -* &&
          ( "$ns" == "/run/netns/$name" || "$ns" == "/var/run/netns/$name" ) && "$ns" -ef "/var/run/netns/$name" ]]; then
        if LINK_POD_ERR="$(exec ip "$@" -n "$name" -batch - 2>&1 <<<"$batch")"; then
            return 0
        fi
        # Lines ran (and one failed): that is the answer. Otherwise ip could not enter the namespace.
        [[ "$LINK_POD_ERR" == *"Command failed -:"* ]] && return 1
    fi
    LINK_POD_ERR="$(exec nsenter --net="$ns" ip "$@" -batch - 2>&1 <<<"$batch")"
}

# link_route_key DST: REPLY = DST as `ip route show` prints it ("default" for 0.0.0.0/0, no /32).
link_route_key() {
    case "$1" in
        0.0.0.0/0) REPLY=default ;;
        */32) REPLY="${1%/32}" ;;
        *) REPLY="$1" ;;
    esac
}

# link_check_pod NETNS IFNAME ADDRESS/PREFIX MAC ROUTES: compare the pod interface with a previous
# result (one `ip` run reads address, link and routes). ROUTES = "dst|gw ..." (gw may be empty).
# LINK_PROBLEMS = what does not match (empty when all is as described).
link_check_pod() {
    local ns="$1" ifn="$2" cidr="$3" mac="$4" out line addrs="" link="" table="" r dst gw
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
        link_route_key "$dst"
        if [[ -z "$dst" || "$table" != *$'\n'"$REPLY ${gw:+via $gw }"* ]]; then
            LINK_PROBLEMS+=("$ifn in $ns has no route to $dst${gw:+ via $gw}")
        fi
    done
    return 0
}

# link_setup_pod NETNS IFNAME ADDRESS/PREFIX: address, up, config routes, default route via the
# gateway. The default route comes last: if the pod already has one (a second interface), that
# one is kept and the failure of this last line is not an error.
link_setup_pod() {
    local ns="$1" ifn="$2" cidr="$3" batch r dst gw err lines=2
    batch="addr add $cidr brd + dev $ifn"$'\n'"link set dev $ifn up"$'\n'
    for r in "${CFG_ROUTE_LIST[@]}"; do
        dst="${r%%|*}"
        gw="${r#*|}"
        gw="${gw:-$IPAM_GATEWAY}"
        batch+="route add $dst${gw:+ via $gw} dev $ifn"$'\n'
        lines=$(( lines + 1 ))
    done
    if [[ -z "$CFG_HAS_DEFAULT_ROUTE" && -n "$IPAM_GATEWAY" ]]; then
        batch+="route add default via $IPAM_GATEWAY dev $ifn"$'\n'
        lines=$(( lines + 1 ))
        LINK_DEFAULT_LINE="$lines"
    else
        LINK_DEFAULT_LINE=0
    fi
    if ! link_pod_batch "$ns" "$batch"; then
        err="$LINK_POD_ERR"
        if [[ "$err" == *"File exists"* && "$err" == *"failed -:$LINK_DEFAULT_LINE" ]]; then
            LINK_DEFAULT_SKIPPED=1
            return 0
        fi
        cni_error 100 "cannot configure $ifn in $ns" "${err//$'\n'/ }"
    fi
}

# link_del HOSTNAME: delete the host end (and with it the pod end); missing is fine.
link_del() {
    local err
    if ! err="$(exec ip link del dev "$1" 2>&1)"; then
        case "$err" in
            *"Cannot find device"* | *"does not exist"*) return 0 ;;
        esac
        LINK_ERR="$err"
        return 1
    fi
    return 0
}
