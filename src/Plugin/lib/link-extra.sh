# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/link-extra.sh: read on first use (stubs in lib/link.sh)
link_abort_pod() {
    [[ -n "$LINK_POD_PID" ]] || return 0
    exec {LINK_POD_IN}>&- {LINK_POD_OUT}<&-
    wait "$LINK_POD_PID" 2>/dev/null || true
    LINK_POD_PID=""
    LINK_POD_LOCKLINE=""
}
link_pod_batch() {
    local ns="$1" batch="$2"
    shift 2
    if netns_name "$ns"; then
        if LINK_POD_ERR="$(exec ip "$@" -n "$REPLY" -batch - 2>&1 <<<"$batch")"; then
            return 0
        fi
        [[ "$LINK_POD_ERR" == *"Command failed -:"* ]] && return 1
    fi
    LINK_POD_ERR="$(exec nsenter --net="$ns" ip "$@" -batch - 2>&1 <<<"$batch")"
}
link_read_bridge() {
    LINK_BR_OUT="$(exec ip addr show dev "$1" 2>/dev/null)" || LINK_BR_OUT=""
    link_parse_bridge "$LINK_BR_OUT"
    [[ -n "$LINK_BR_OUT" ]]
}
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
link_add_veth_alone() {
    local host="$1" hmac="$2" pod="$3" pmac="$4" br="$5" mtu="$6" ns="$7" err
    if err="$(exec ip link add name "$host" address "$hmac" ${mtu:+mtu "$mtu"} master "$br" up \
        type veth peer name "$pod" ${pmac:+address "$pmac"} ${mtu:+mtu "$mtu"} netns "$ns" 2>&1)"; then
        LINK_CREATED=1
        return 0
    fi
    link_add_failed "$host" "$pod" "$ns" "$err"
}
link_add_failed() {
    local host="$1" pod="$2" ns="$3" err="$4"
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
link_route_key() {
    case "$1" in
        0.0.0.0/0) REPLY=default ;;
        */32) REPLY="${1%/32}" ;;
        *) REPLY="$1" ;;
    esac
}
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
