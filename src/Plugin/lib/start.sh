# shellcheck shell=bash disable=SC2034
# What the plugins read first (bash parses every line it sources, which costs several milliseconds):
# the state the early start shares with the rest, the identifier rules, the host link name, and
# DEL's early start: the deletion of the pair needs only the environment, so bash-cni starts it
# (early_del) before it reads anything else. ADD's early start is in early.sh.

EARLY_STDIN=""
EARLY_READ=""
EARLY_MARK=""            # the mark early_start wrote, EARLY_MARK_NEW = it did not exist before
EARLY_MARK_NEW=""
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
CNI_UNDO=()              # undo steps (function names), pushed right after what they undo started
IPAM_LOCK_FD=""          # the store lock; IPAM_LOCK_PENDING = the helper of link_spawn is taking it
IPAM_LOCK_PENDING=""
IPAM_LOCK_KEY=""         # "<store dir>|<lockTimeout>" the helper works for
LINK_HASH=""
LINK_HASH_OF=""
IPAM_DEFAULT_DATA_DIR=/var/lib/cni/networks
IPAM_DEFAULT_LOCK_TIMEOUT=10

# cni_valid_id VALUE: container IDs and network names (the reference rule ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$).
cni_valid_id() {
    [[ "$1" == [a-zA-Z0-9]* && "$1" != *[!a-zA-Z0-9_.-]* ]]
}

# cni_valid_ifname VALUE: non-empty, at most 15 bytes, not . or .., no '/', ':' or whitespace (the
# reference rule); also no quotes, backslash, '#' or control characters, which `ip -batch` would
# read as syntax.
cni_valid_ifname() {
    [[ -n "$1" && ${#1} -le 15 && "$1" != . && "$1" != .. && "$1" != *[/:[:space:][:cntrl:]\"\'\\#]* ]]
}

# cni_netns_plausible PATH: PATH looks like a network namespace (an absolute path to an empty regular
# file, not the plugin's own namespace). That it is one is checked where it matters (`ip` refuses
# anything else when the pod end is made; CHECK asks cni_is_netns).
cni_netns_plausible() {
    [[ "$1" == /* && -f "$1" && ! -s "$1" && ! "$1" -ef /proc/self/ns/net && ! "$1" -ef /proc/1/ns/net ]]
}

# netns_name PATH: REPLY = the name of a namespace under /run/netns (what runtimes pass), which `ip -n`
# enters itself; fails for any other path.
netns_name() {
    REPLY="${1##*/}"
    [[ -n "$REPLY" && "$REPLY" != . && "$REPLY" != .. && "$REPLY" != -* &&
       ( "$1" == "/run/netns/$REPLY" || "$1" == "/var/run/netns/$REPLY" ) && "$1" -ef "/var/run/netns/$REPLY" ]]
}

# link_host_name ID IFNAME: REPLY = host-side veth name, "veth" + FNV-1a-32 of "ID/IFNAME" in hex;
# LINK_HASH = that hash (kept for the next call with the same names: LINK_HASH_OF). The bytes become "'c" words (printf's %d then gives each byte's code) and
# the hash is one arithmetic expression; the words come from one pattern substitution where bash
# has patsub_replacement (5.2+) and the name has no blanks, else from a loop.
link_host_name() {
    local s="$1/$2" h=2166136261 i expr
    local -a ords=()
    if [[ "$s" == "$LINK_HASH_OF" ]]; then
        printf -v REPLY 'veth%08x' "$LINK_HASH"
        return 0
    fi
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
    printf -v REPLY 'veth%08x' "$h"
}

# undo_push FUNCTION: FUNCTION undoes (or finishes) what was just started; a failure runs every
# pushed FUNCTION once, newest first, before the error is reported (undo_run, from cni_error). Each
# must be harmless when what it undoes was already finished the normal way. A step pushed again
# keeps its first place. A command that succeeded drops them (undo_clear).
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

# link_spawn_del HOST: delete the host end (and with it the pod end) in the background; a DEL that
# fails before it collected that `ip` still waits for it (link_reap_del), never leaves it running.
link_spawn_del() {
    exec {LINK_DEL_FD}< <(exec ip link del dev "$1" 2>&1)
    LINK_DEL_PID="$!"
    LINK_DEL_HOST="$1"
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

# early_del: DEL of bash-cni: start deleting the attachment's pair now (valid IDs only). Whether the
# attachment was marked by a killed ADD is seen later; that DEL then waits and deletes once more.
early_del() {
    cni_valid_id "${CNI_CONTAINERID:-}" && cni_valid_ifname "${CNI_IFNAME:-}" || return 0
    link_host_name "$CNI_CONTAINERID" "$CNI_IFNAME"
    link_spawn_del "$REPLY"
}
