# shellcheck shell=bash disable=SC2034
# What bash-cni runs first, before the rest of it is even read (bash parses every line it sources,
# which costs several milliseconds): the identifier rules, the host link name, and the early start.
#
# Early start (early_start): for ADD and DEL the slow external work needs little of the configuration,
# so it is started at once and runs while bash reads and checks the rest:
#   ADD  the attachment's mark is written (see mark_path in bash-cni), then a background `ip` creates
#        the veth pair (link_spawn_veth), a second one waits inside the pod namespace for the address
#        commands (link_spawn_pod), and a background flock takes the store lock (ipam_spawn_lock).
#   DEL  a background `ip link del` removes the host end (link_spawn_del).
# Only values that are certain are used: the environment (checked with the same rules as later) and
# configuration fields that occur exactly once as plain "key": "value" text; anything unusual and
# nothing is started early. The full checks still run afterwards; ADD then adopts what was started
# if it matches what the configuration says, and undoes it otherwise. An error rolls it back.

EARLY_STDIN=""
EARLY_READ=""
EARLY_MARK=""            # the mark early_start wrote, EARLY_MARK_NEW = it did not exist before
EARLY_MARK_NEW=""
LINK_CREATED=""          # the pair exists because this ADD made it
LINK_BG_PID=""           # the background `ip` creating the pair, until collected
LINK_BG_FD=""
LINK_ARGS=()             # HOST HMAC POD PMAC BRIDGE MTU NETNS of the pair being made
LINK_POD_PID=""          # the `ip -batch` waiting in the pod namespace, its stdin and output
LINK_POD_IN=""
LINK_POD_OUT=""
LINK_POD_NS=""
LINK_DEL_PID=""          # the background `ip link del` and the link it deletes
LINK_DEL_FD=""
LINK_DEL_HOST=""
IPAM_LOCK_FD=""          # the store lock; IPAM_LOCK_PID = a flock still taking it in the background
IPAM_LOCK_PID=""
IPAM_LOCK_KEY=""         # "<store dir>|<lockTimeout>" the background flock works for
IPAM_ALLOCATED=""
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

# link_host_name ID IFNAME: REPLY = host-side veth name, "veth" + FNV-1a-32 of "ID/IFNAME" in hex;
# LINK_HASH = that hash. The bytes become "'c" words (printf's %d then gives each byte's code) and
# the hash is one arithmetic expression; the words come from one pattern substitution where bash
# has patsub_replacement (5.2+) and the name has no blanks, else from a loop.
link_host_name() {
    local s="$1/$2" h=2166136261 i expr
    local -a ords=()
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
    printf -v REPLY 'veth%08x' "$h"
}

# link_host_mac: REPLY = the host end's MAC, 0e:58 + the 4 bytes of LINK_HASH (from link_host_name).
link_host_mac() {
    printf -v REPLY '0e:58:%02x:%02x:%02x:%02x' $(( (LINK_HASH >> 24) & 255 )) $(( (LINK_HASH >> 16) & 255 )) \
        $(( (LINK_HASH >> 8) & 255 )) $(( LINK_HASH & 255 ))
}

# link_spawn_veth HOST HMAC POD BRIDGE MTU NETNS: start creating the pair in the background: the
# pod end directly inside NETNS (the pod name never exists in the host namespace), down and
# without address; the host end a port of the bridge, up. The same `ip` reads the bridge first.
# A NETNS path with blanks or quotes (which `ip -batch` would split) is left to link_finish_veth.
link_spawn_veth() {
    local host="$1" hmac="$2" pod="$3" br="$4" mtu="$5" ns="$6"
    LINK_ARGS=("$host" "$hmac" "$pod" "" "$br" "$mtu" "$ns")
    [[ "$ns" != *[[:space:]\"\'\\#]* ]] || return 0
    exec {LINK_BG_FD}< <(exec ip -batch - 2>&1 <<<"addr show dev $br
link add name $host address $hmac${mtu:+ mtu $mtu} master $br up type veth peer name $pod${mtu:+ mtu $mtu} netns $ns")
    LINK_BG_PID="$!"
}

# link_spawn_pod NETNS: start the `ip -batch` that configures the pod end inside NETNS; it waits for
# its commands on LINK_POD_IN (link_setup_pod writes them once the address is known). Its output
# goes to a pipe of our own (LINK_POD_OUT): a here-string is a pipe in bash >= 5.1, reopened for
# writing through /proc. Where that is not so, nothing is started (link_setup_pod runs `ip` itself).
link_spawn_pod() {
    local ns="$1" name="${1##*/}" r="" w="" line
    { exec {r}<<<""; } 2>/dev/null || return 0
    if [[ ! -p "/proc/self/fd/$r" ]] || ! IFS= read -r -u "$r" line ||
       ! { exec {w}>"/proc/self/fd/$r"; } 2>/dev/null; then
        exec {r}<&-
        return 0
    fi
    if [[ -n "$name" && "$name" != . && "$name" != .. && "$name" != -* &&
          ( "$ns" == "/run/netns/$name" || "$ns" == "/var/run/netns/$name" ) && "$ns" -ef "/var/run/netns/$name" ]]; then
        exec {LINK_POD_IN}> >(exec ip -n "$name" -batch - >&"$w" 2>&1 {r}<&-)
    else
        exec {LINK_POD_IN}> >(exec nsenter --net="$ns" ip -batch - >&"$w" 2>&1 {r}<&-)
    fi
    LINK_POD_PID="$!"
    exec {w}>&-
    LINK_POD_OUT="$r"
    LINK_POD_NS="$ns"
}

# link_spawn_del HOST: delete the host end (and with it the pod end) in the background.
link_spawn_del() {
    exec {LINK_DEL_FD}< <(exec ip link del dev "$1" 2>&1)
    LINK_DEL_PID="$!"
    LINK_DEL_HOST="$1"
}

# ipam_spawn_lock DIR TIMEOUT: open DIR/lock and take it in the background (a flock that gives up
# after TIMEOUT seconds with exit 75); ipam_lock collects the result. Nothing happens if the file
# cannot be opened. The flock does not keep the pod `ip`'s stdin open.
ipam_spawn_lock() {
    { exec {IPAM_LOCK_FD}>>"$1/lock"; } 2>/dev/null || { IPAM_LOCK_FD=""; return 0; }
    if [[ -n "$LINK_POD_IN" ]]; then
        flock -E 75 -w "$2" "$IPAM_LOCK_FD" >/dev/null 2>&1 {LINK_POD_IN}>&- &
    else
        flock -E 75 -w "$2" "$IPAM_LOCK_FD" >/dev/null 2>&1 &
    fi
    IPAM_LOCK_PID="$!"
    IPAM_LOCK_KEY="$1|$2"
}

# early_field KEY: REPLY = the value of the only "KEY" in the configuration text when it is a plain
# string (no escapes) or number. 1 = no "KEY" at all, 2 = several, or not that simple.
early_field() {
    local key="\"$1\"" rest v
    [[ "$EARLY_STDIN" == *"$key"* ]] || return 1
    rest="${EARLY_STDIN#*"$key"}"
    [[ "$rest" != *"$key"* ]] || return 2
    rest="${rest#"${rest%%[!$' \t\r\n']*}"}"
    [[ "$rest" == :* ]] || return 2
    rest="${rest:1}"
    rest="${rest#"${rest%%[!$' \t\r\n']*}"}"
    if [[ "$rest" == \"* ]]; then
        v="${rest:1}"
        v="${v%%\"*}"
        [[ "$rest" == "\"$v\""* && "$v" != *[\\[:cntrl:]]* ]] || return 2
    else
        v="${rest%%[!0-9.]*}"
        [[ -n "$v" ]] || return 2
    fi
    REPLY="$v"
}

# early_start: read stdin (cni_read_stdin takes it from here), then start what can start (see above).
early_start() {
    local id="${CNI_CONTAINERID:-}" ifn="${CNI_IFNAME:-}" ns="${CNI_NETNS:-}" br=cni0 host name dir t="" rc=0
    EARLY_READ=1
    [[ -t 0 ]] || IFS= read -r -d '' EARLY_STDIN || true
    [[ "${CNI_COMMAND:-}" == ADD || "${CNI_COMMAND:-}" == DEL ]] || return 0
    cni_valid_id "$id" && cni_valid_ifname "$ifn" || return 0
    link_host_name "$id" "$ifn"
    host="$REPLY"
    if [[ "$CNI_COMMAND" == DEL ]]; then
        link_spawn_del "$host"
        return 0
    fi
    # ADD: a namespace that passes the cheap checks, the bridge, no mtu, and the store's .ids dir.
    [[ "$ns" == /* && -f "$ns" && ! -s "$ns" && ! "$ns" -ef /proc/self/ns/net && ! "$ns" -ef /proc/1/ns/net ]] ||
        return 0
    if early_field bridge; then
        br="$REPLY"
        cni_valid_ifname "$br" || return 0
    elif (( $? == 2 )); then
        return 0
    fi
    early_field mtu || rc=$?
    (( rc == 1 )) || return 0
    early_field name && cni_valid_id "$REPLY" || return 0
    name="$REPLY"
    dir="$IPAM_DEFAULT_DATA_DIR"
    if early_field dataDir; then
        dir="$REPLY"
    elif (( $? == 2 )); then
        return 0
    fi
    dir="${dir%/}/$name"
    if early_field lockTimeout; then
        t="$REPLY"
    elif (( $? == 2 )); then
        return 0
    fi
    [[ -d "$dir/.ids" && ${#id} -le 200 ]] || return 0
    EARLY_MARK="$dir/.ids/.lock-$id:$ifn"
    EARLY_MARK_NEW=1
    [[ ! -e "$EARLY_MARK" ]] || EARLY_MARK_NEW=""
    { printf 'adding\n' >| "$EARLY_MARK"; } 2>/dev/null || { EARLY_MARK=""; return 0; }
    link_host_mac
    link_spawn_veth "$host" "$REPLY" "$ifn" "$br" "" "$ns"
    link_spawn_pod "$ns"
    ipam_spawn_lock "$dir" "${t:-$IPAM_DEFAULT_LOCK_TIMEOUT}"
}
