# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/bash-cni.sh: read at start
DEFAULT_BRIDGE=cni0
LAB_IPAM=""
load_config() {
    cfg_load_checked "$@"
    BRIDGE="${CFG_BRIDGE:-$DEFAULT_BRIDGE}"
    if ! cni_valid_ifname "$BRIDGE"; then
        cni_error 7 "invalid network config: \"bridge\" is not a valid interface name"
    fi
    MTU="$CFG_MTU"
    if [[ -n "$MTU" ]] && [[ "$MTU" != [1-9]* || "$MTU" == *[!0-9]* || ${#MTU} -gt 5 ]] ||
        (( ${MTU:-1500} < 68 || ${MTU:-1500} > 65535 )); then
        cni_error 7 "invalid network config: \"mtu\" must be an integer between 68 and 65535"
    fi
    LAB_IPAM=""
    [[ "$CFG_IPAM_KIND" == none ]] && LAB_IPAM=1
    return 0
}
mark_path() {
    local key="$CNI_CONTAINERID:$CNI_IFNAME"
    MARK=""
    (( ${#key} > 240 )) || MARK="$IPAM_INDEX_DIR/.lock-$key"
    return 0
}
delegate_fail() { cni_lazy delegate delegate_fail "$@"; }
delegate_parse_result() { cni_lazy delegate delegate_parse_result "$@"; }
delegate_run() { cni_lazy delegate delegate_run "$@"; }
cmd_add() { cni_lazy add cmd_add "$@"; }
add_undo_address() { cni_lazy bash-cni-extra add_undo_address "$@"; }
add_undo_link() { cni_lazy bash-cni-extra add_undo_link "$@"; }
add_undo_mark() { cni_lazy bash-cni-extra add_undo_mark "$@"; }
cmd_check() { cni_lazy bash-cni-extra cmd_check "$@"; }
cmd_gc() { cni_lazy bash-cni-extra cmd_gc "$@"; }
cmd_status() { cni_lazy bash-cni-extra cmd_status "$@"; }
mark_drop() { cni_lazy bash-cni-extra mark_drop "$@"; }
mark_wait_orphans() { cni_lazy bash-cni-extra mark_wait_orphans "$@"; }
cmd_del() { cni_lazy del cmd_del "$@"; }
