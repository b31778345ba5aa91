# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/start.sh: read at start
CNI_STDIN=""             # everything on stdin, once CNI_STDIN_READ says it was read (cni_read_stdin)
CNI_STDIN_READ=""
cni_read_stdin() {
    [[ -z "$CNI_STDIN_READ" ]] || return 0
    CNI_STDIN_READ=1
    [[ -t 0 ]] || IFS= read -r -d '' CNI_STDIN || true
}
cni_valid_id() {
    [[ "$1" == [a-zA-Z0-9]* && "$1" != *[!a-zA-Z0-9_.-]* ]]
}
cni_valid_ifname() {
    [[ -n "$1" && ${#1} -le 15 && "$1" != . && "$1" != .. && "$1" != *[/:[:space:][:cntrl:]\"\'\\#]* ]]
}
cni_netns_plausible() {
    [[ "$1" == /* && -f "$1" && ! -s "$1" && ! "$1" -ef /proc/self/ns/net && ! "$1" -ef /proc/1/ns/net ]]
}
netns_name() {
    REPLY="${1##*/}"
    [[ -n "$REPLY" && "$REPLY" != . && "$REPLY" != .. && "$REPLY" != -* &&
       ( "$1" == "/run/netns/$REPLY" || "$1" == "/var/run/netns/$REPLY" ) && "$1" -ef "/var/run/netns/$REPLY" ]]
}
early_del() {
    cni_valid_id "${CNI_CONTAINERID:-}" && cni_valid_ifname "${CNI_IFNAME:-}" || return 0
    link_host_name "$CNI_CONTAINERID" "$CNI_IFNAME"
    link_spawn_del "$REPLY"
}
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
LINK_DEL_PID=""          # the background `ip link del` and the link it deletes
LINK_DEL_FD=""
LINK_DEL_HOST=""
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
link_host_name() {
    link_host_hash "$1" "$2"
    printf -v REPLY 'veth%08x' "$LINK_HASH"
}
link_spawn_del() {
    exec {LINK_DEL_FD}< <(exec ip link del dev "$1" 2>&1)
    LINK_DEL_PID="$!"
    LINK_DEL_HOST="$1"
    undo_push link_reap_del
}
link_reap_del() {
    local out
    [[ -n "$LINK_DEL_PID" ]] || return 0
    IFS= read -r -d '' out <&"$LINK_DEL_FD" || true
    exec {LINK_DEL_FD}<&-
    wait "$LINK_DEL_PID" || true
    LINK_DEL_PID=""
}
MARK=""                  # the attachment's mark file; MARK_NEW = this ADD created it
MARK_NEW=""
IPAM_LOCK_FD=""          # the store lock; IPAM_LOCK_PENDING = the helper of link_spawn is taking it
IPAM_LOCK_PENDING=""
IPAM_LOCK_KEY=""         # "<store dir>|<lockTimeout>" the helper works for
IPAM_DEFAULT_DATA_DIR=/var/lib/cni/networks
IPAM_DEFAULT_LOCK_TIMEOUT=10
CNI_UNDO=()              # undo steps (function names), pushed right after what they undo started
undo_push() {
    local step
    for step in "${CNI_UNDO[@]}"; do
        [[ "$step" != "$1" ]] || return 0
    done
    CNI_UNDO+=("$1")
}
undo_run() {
    local -a steps=("${CNI_UNDO[@]}")
    local i
    CNI_UNDO=()
    for (( i = ${#steps[@]} - 1; i >= 0; i-- )); do
        "${steps[i]}" || true
    done
}
undo_clear() {
    CNI_UNDO=()
}
