# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/bash-cni-extra.sh: read on first use (stubs in lib/bash-cni.sh)
mark_drop() {
    if [[ -n "$2" ]]; then
        rm -f -- "$1" 2>/dev/null || true
    else
        { : >| "$1"; } 2>/dev/null || true
    fi
}
mark_wait_orphans() {
    local f env found int frac deadline
    local -a vars
    local want=$'\n'"CNI_CONTAINERID=$CNI_CONTAINERID"$'\n' want_if=$'\n'"CNI_IFNAME=$CNI_IFNAME"$'\n'
    int="${IPAM_LOCK_TIMEOUT%%.*}"
    frac=""
    [[ "$IPAM_LOCK_TIMEOUT" != *.* ]] || frac="${IPAM_LOCK_TIMEOUT#*.}"
    frac="${frac}000000"
    deadline=$(( ${EPOCHREALTIME/[.,]/} + 10#$int * 1000000 + 10#${frac:0:6} ))
    while :; do
        found=""
        for f in /proc/[0-9]*/environ; do
            [[ "$f" != "/proc/$BASHPID/environ" ]] || continue
            vars=()
            { mapfile -d '' -t vars < "$f"; } 2>/dev/null || continue
            (( ${#vars[@]} )) || continue
            printf -v env '\n%s' "${vars[@]}"
            env+=$'\n'
            if [[ "$env" == *$'\nCNI_COMMAND=ADD\n'* && "$env" == *"$want"* && "$env" == *"$want_if"* ]]; then
                found="${f#/proc/}"
                found="${found%/environ}"
                break
            fi
        done
        [[ -n "$found" ]] || return 0
        if (( ${EPOCHREALTIME/[.,]/} > deadline )); then
            cni_error 11 "$CNI_CONTAINERID/$CNI_IFNAME is busy: process $found of an earlier ADD still runs after ${IPAM_LOCK_TIMEOUT}s"
        fi
        sleep 0.02
    done
}
add_undo_address() {
    if [[ -n "$LAB_IPAM" ]]; then
        ipam_unlock
        ipam_lock
        ipam_release "$CNI_CONTAINERID" "$CNI_IFNAME" "$MARK"
        ipam_unlock
        MARK=""
    else
        delegate_run DEL "$CFG_IPAM_TYPE" >/dev/null 2>&1 || true
    fi
}
add_undo_link() {
    link_abort_pod
    link_wait_veth
    if [[ -n "$LINK_CREATED" ]]; then
        link_del "${LINK_ARGS[0]}" || true
        LINK_CREATED=""
    fi
}
add_undo_mark() {
    [[ -z "$MARK" ]] || mark_drop "$MARK" "$MARK_NEW"
    return 0
}
cmd_check() {
    local out ip_only problems=()
    load_config id ifname netns-strict
    cni_require_version 0.4.0 CHECK
    if [[ -z "$CFG_HAS_PREV" || -z "$CFG_PREV_ADDRESS" ]]; then
        cni_error 7 "invalid network config: CHECK needs a prevResult with an address"
    fi
    ip_only="${CFG_PREV_ADDRESS%/*}"
    if [[ -n "$LAB_IPAM" ]]; then
        ipam_check_holds "$CNI_CONTAINERID" "$CNI_IFNAME" "$ip_only"
    else
        delegate_run CHECK "$CFG_IPAM_TYPE" || delegate_fail CHECK
    fi
    link_host_name "$CNI_CONTAINERID" "$CNI_IFNAME"
    HOST_IF="$REPLY"
    out="$(exec ip -o link show dev "$HOST_IF" 2>&1)" || problems+=("host interface $HOST_IF is missing")
    if [[ -n "$out" && ${#problems[@]} -eq 0 && "$out" != *" master $BRIDGE "* ]]; then
        problems+=("host interface $HOST_IF is not attached to $BRIDGE")
    fi
    link_check_pod "$CNI_NETNS" "$CNI_IFNAME" "$CFG_PREV_ADDRESS" "$CFG_PREV_MAC" "$CFG_PREV_ROUTES"
    problems+=("${LINK_PROBLEMS[@]}")
    if (( ${#problems[@]} )); then
        local joined
        printf -v joined '%s; ' "${problems[@]}"
        cni_error 100 "CHECK failed: ${joined%; }"
    fi
    CNI_EMITTED=1
    cni_log ok
}
cmd_gc() {
    load_config
    cni_require_version 1.1.0 GC
    if [[ "$CFG_VALID_ATTACHMENTS" == "$CFG_INVALID" ]]; then
        cni_error 7 "invalid network config: \"cni.dev/valid-attachments\" must be a list"
    fi
    if [[ -n "$LAB_IPAM" ]]; then
        ipam_gc_store "$CFG_VALID_ATTACHMENTS"
    else
        delegate_run GC "$CFG_IPAM_TYPE" || delegate_fail GC
    fi
    CNI_EMITTED=1
    cni_log ok
}
cmd_status() {
    load_config
    cni_require_version 1.1.0 STATUS
    if [[ -n "$LAB_IPAM" ]]; then
        ipam_status
    else
        delegate_run STATUS "$CFG_IPAM_TYPE" || delegate_fail STATUS
    fi
    CNI_EMITTED=1
    cni_log ok
}
