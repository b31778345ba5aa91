# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/link.sh: read at start
link_start_veth() {
    if (( ${#LINK_ARGS[@]} )); then
        [[ "${LINK_ARGS[*]}" != "$1 $2 $3  $4 $5 $6" ]] || return 0
        link_wait_veth
        if [[ -n "$LINK_CREATED" ]]; then
            link_del "${LINK_ARGS[0]}" || true
            LINK_CREATED=""
        fi
        link_spawn_veth "$@"
        return 0
    fi
    link_spawn "$@"
}
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
link_setup_pod() {
    local ns="$1" ifn="$2" cidr="$3" mac="$4" batch r dst gw err lines=2
    batch="link set dev $ifn address $mac up"$'\n'"addr add $cidr brd + dev $ifn"$'\n'
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
    if [[ -n "$LINK_POD_PID" && "$LINK_POD_NS" == "$ns" ]] && link_pod_send "$batch"; then
        [[ -n "$LINK_POD_ERR" ]] || return 0
    else
        link_abort_pod
        link_pod_batch "$ns" "$batch" && return 0
    fi
    err="${LINK_POD_ERR%$'\n'}"
    if [[ "$err" == *"File exists"* && "$err" == *"failed -:$LINK_DEFAULT_LINE" ]]; then
        LINK_DEFAULT_SKIPPED=1
        return 0
    fi
    cni_error 100 "cannot configure $ifn in $ns" "${err//$'\n'/ }"
}
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
    [[ "$out" == *"Command failed -:"* ]] || return 1
    LINK_POD_ERR="$out"
}
link_abort_pod() { cni_lazy link-extra link_abort_pod "$@"; }
link_add_failed() { cni_lazy link-extra link_add_failed "$@"; }
link_add_veth_alone() { cni_lazy link-extra link_add_veth_alone "$@"; }
link_check_pod() { cni_lazy link-extra link_check_pod "$@"; }
link_ensure_bridge() { cni_lazy link-extra link_ensure_bridge "$@"; }
link_pod_batch() { cni_lazy link-extra link_pod_batch "$@"; }
link_del() { cni_lazy link-del link_del "$@"; }
link_finish_del() { cni_lazy link-del link_finish_del "$@"; }
link_start_del() { cni_lazy link-del link_start_del "$@"; }
