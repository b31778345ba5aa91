# shellcheck shell=bash disable=SC2034
# Deleting the pair (DEL, and an ADD that undoes its work). Sourced when first needed (see cni_lazy).

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

# link_del HOSTNAME: delete the host end (and with it the pod end); missing is fine.
link_del() {
    local err
    err="$(exec ip link del dev "$1" 2>&1)" || link_del_error "$err"
}

# link_start_del HOSTNAME: delete the pair in the background (unless early_start already does).
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
