# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/link-del.sh: read on first use (stubs in lib/link.sh)
link_start_del() {
    [[ -n "$LINK_DEL_PID" && "$LINK_DEL_HOST" == "$1" ]] || link_spawn_del "$1"
}
link_finish_del() {
    local err="" rc=0
    [[ -n "$LINK_DEL_PID" ]] || return 0
    IFS= read -r -d '' err <&"$LINK_DEL_FD" || true
    exec {LINK_DEL_FD}<&-
    wait "$LINK_DEL_PID" || rc=$?
    LINK_DEL_PID=""
    (( rc == 0 )) || link_del_error "$err"
}
link_del() {
    local err
    err="$(exec ip link del dev "$1" 2>&1)" || link_del_error "$err"
}
link_del_error() {
    case "$1" in
        *"Cannot find device"* | *"does not exist"* | *"No such device"*) return 0 ;;
    esac
    LINK_ERR="$1"
    return 1
}
