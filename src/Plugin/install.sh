#!/usr/bin/env bash
# install.sh: put a node in shape for bash-cni — plugins in the CNI bin dir, the network
# configuration for the node's pod subnet, and the bridge with the gateway address.
# Idempotent; --uninstall reverses it. Run as root on the node.
set -euo pipefail
export LC_ALL=C

SELF_DIR=.
[[ "${BASH_SOURCE[0]}" == */* ]] && SELF_DIR="${BASH_SOURCE[0]%/*}"
# The layout the plugins run from (bash-cni, bash-cni-ipam, lib/): beside this script when it is a built
# layout (build-layout.sh copies install.sh into it); else built here from source/ into a temporary directory.
LAYOUT_DIR="$SELF_DIR"
if [[ ! -f "$SELF_DIR/lib/start.sh" ]]; then
    if [[ ! -x "$SELF_DIR/build-layout.sh" || ! -d "$SELF_DIR/source" ]]; then
        printf 'install.sh: error: %s holds neither a built layout (lib/) nor source/ and build-layout.sh\n' "$SELF_DIR" >&2
        exit 1
    fi
    LAYOUT_DIR="$(mktemp -d "${TMPDIR:-/tmp}/bash-cni-layout.XXXXXX")"
    # shellcheck disable=SC2064  # the directory is fixed now
    trap "rm -rf -- '$LAYOUT_DIR'" EXIT
    if ! "$SELF_DIR/build-layout.sh" "$LAYOUT_DIR/plugin" >&2; then
        printf 'install.sh: error: build-layout.sh could not build the plugin from %s/source\n' "$SELF_DIR" >&2
        exit 1
    fi
    LAYOUT_DIR="$LAYOUT_DIR/plugin"
fi
# shellcheck source=/dev/null
source "$LAYOUT_DIR/lib/ipv4.sh"
# The plugin's own rules for names, interface names and versions (cni_valid_id, cni_valid_ifname,
# cni_version_rank): the configuration written here passes exactly what the plugin accepts.
# shellcheck source=/dev/null
source "$LAYOUT_DIR/lib/start.sh"
# shellcheck source=/dev/null
source "$LAYOUT_DIR/lib/common.sh"

CONF_FILE_NAME=10-bash-cni.conf
LIB_FILES=()
for f in "$LAYOUT_DIR"/lib/*.sh; do
    LIB_FILES+=("${f##*/}")
done
unset f

usage() {
    cat <<'USAGE'
Usage: install.sh --subnet CIDR [options]
       install.sh --uninstall [options]

Installs bash-cni and bash-cni-ipam (with lib/) into the CNI bin dir, writes
<conf-dir>/10-bash-cni.conf for the node's pod subnet and creates the bridge with the
subnet's first address (the pods' gateway).

Options:
  --subnet CIDR        the node's pod subnet, e.g. 10.244.1.0/24 (required unless --uninstall)
  --network CIDR       the cluster pod network, e.g. 10.244.0.0/16 (written as "network")
  --bin-dir DIR        CNI plugin directory              (default /opt/cni/bin)
  --conf-dir DIR       CNI configuration directory       (default /etc/cni/net.d)
  --bridge NAME        bridge name                       (default cni0)
  --cni-version V      cniVersion of the configuration   (default 0.3.1)
  --name NAME          network name                      (default mynet)
  --data-dir DIR       IPAM store directory              (default: plugin default /var/lib/cni/networks)
  --log-file FILE      plugin log file                   (default: plugin default /var/log/bash-cni.log)
  --no-bridge          do not create the bridge (the plugin creates it on the first ADD)
  --uninstall          remove what install.sh installed (bridge only if no interface uses it)
  -h, --help           this text
USAGE
}

say() { printf 'install.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

SUBNET="" NETWORK="" BIN_DIR=/opt/cni/bin CONF_DIR=/etc/cni/net.d BRIDGE=cni0 CNI_VERSION=0.3.1
NAME=mynet DATA_DIR="" LOG_FILE="" NO_BRIDGE="" UNINSTALL=""

parse_args() {
    while (( $# )); do
        case "$1" in
            --subnet | --network | --bin-dir | --conf-dir | --bridge | --cni-version | --name | --data-dir | --log-file)
                (( $# >= 2 )) || die "$1 needs a value"
                case "$1" in
                    --subnet) SUBNET="$2" ;;
                    --network) NETWORK="$2" ;;
                    --bin-dir) BIN_DIR="$2" ;;
                    --conf-dir) CONF_DIR="$2" ;;
                    --bridge) BRIDGE="$2" ;;
                    --cni-version) CNI_VERSION="$2" ;;
                    --name) NAME="$2" ;;
                    --data-dir) DATA_DIR="$2" ;;
                    --log-file) LOG_FILE="$2" ;;
                esac
                shift 2 ;;
            --subnet=* | --network=* | --bin-dir=* | --conf-dir=* | --bridge=* | --cni-version=* | --name=* | --data-dir=* | --log-file=*)
                local key="${1%%=*}"
                set -- "$key" "${1#*=}" "${@:2}" ;;
            --no-bridge) NO_BRIDGE=1; shift ;;
            --uninstall) UNINSTALL=1; shift ;;
            -h | --help) usage; exit 0 ;;
            *) usage >&2; die "unknown argument: $1" ;;
        esac
    done
}

validate() {
    local rank
    cni_valid_id "$NAME" || die "--name must match ^[a-zA-Z0-9][a-zA-Z0-9_.-]*\$"
    cni_valid_ifname "$BRIDGE" ||
        die "--bridge is not a valid interface name (1-15 bytes, not . or .., no '/', ':', whitespace, quotes, '\\' or '#')"
    [[ -n "$UNINSTALL" ]] && return 0
    cni_version_rank rank "$CNI_VERSION"
    (( rank > 0 )) || die "--cni-version must be one of ${CNI_SUPPORTED_VERSIONS[*]}"
    [[ -n "$SUBNET" ]] || { usage >&2; die "--subnet is required"; }
    ipv4_parse_cidr "$SUBNET" || die "--subnet $SUBNET is not an IPv4 CIDR"
    (( CIDR_PREFIX <= 30 )) || die "--subnet $SUBNET is too small (at most /30)"
    (( CIDR_ADDR == CIDR_NET )) || die "--subnet $SUBNET has host bits set"
    GATEWAY_INT=$(( CIDR_NET + 1 ))
    PREFIX="$CIDR_PREFIX"
    ipv4_from_int GATEWAY "$GATEWAY_INT"
    if [[ -n "$NETWORK" ]]; then
        ipv4_parse_cidr "$NETWORK" || die "--network $NETWORK is not an IPv4 CIDR"
        (( CIDR_ADDR == CIDR_NET )) || die "--network $NETWORK has host bits set"
    fi
    command -v jq >/dev/null || die "jq is not installed (the plugin needs it: apt-get install jq)"
    command -v flock >/dev/null || die "flock (util-linux) is not installed"
    command -v ip >/dev/null || die "ip (iproute2) is not installed"
}

# json_str VAR VALUE: VAR = VALUE as a JSON string (values here are validated or paths).
json_str() {
    local s="$2"
    s="${s//\\/\\\\}"
    s="${s//\"/\\\"}"
    printf -v "$1" '"%s"' "$s"
}

# put FILE MODE SRC: copy SRC over FILE atomically (temp file + rename), only if it differs.
put() {
    local dst="$1" mode="$2" src="$3" tmp
    if [[ -f "$dst" && "$(< "$src")" == "$(< "$dst")" ]]; then
        return 1
    fi
    tmp="$(mktemp -- "$dst.XXXXXX")" || die "cannot write in ${dst%/*}"
    cp -- "$src" "$tmp" && chmod "$mode" -- "$tmp" && mv -f -- "$tmp" "$dst" || {
        rm -f -- "$tmp"
        die "cannot install $dst"
    }
    return 0
}

install_files() {
    local f changed=0
    mkdir -p -- "$BIN_DIR/lib" || die "cannot create $BIN_DIR/lib"
    for f in bash-cni bash-cni-ipam; do
        [[ -f "$LAYOUT_DIR/$f" ]] || die "missing $LAYOUT_DIR/$f"
        put "$BIN_DIR/$f" 0755 "$LAYOUT_DIR/$f" && changed=$(( changed + 1 ))
    done
    for f in "${LIB_FILES[@]}"; do
        [[ -f "$LAYOUT_DIR/lib/$f" ]] || die "missing $LAYOUT_DIR/lib/$f"
        put "$BIN_DIR/lib/$f" 0644 "$LAYOUT_DIR/lib/$f" && changed=$(( changed + 1 ))
    done
    say "plugins in $BIN_DIR ($changed file(s) updated)"
}

write_conf() {
    local conf tmp v
    conf="{\"cniVersion\":\"$CNI_VERSION\",\"name\":\"$NAME\",\"type\":\"bash-cni\""
    [[ -n "$NETWORK" ]] && conf+=",\"network\":\"$NETWORK\""
    conf+=",\"subnet\":\"$SUBNET\""
    [[ "$BRIDGE" != cni0 ]] && { json_str v "$BRIDGE"; conf+=",\"bridge\":$v"; }
    [[ -n "$DATA_DIR" ]] && { json_str v "$DATA_DIR"; conf+=",\"dataDir\":$v"; }
    [[ -n "$LOG_FILE" ]] && { json_str v "$LOG_FILE"; conf+=",\"logFile\":$v"; }
    conf+="}"
    mkdir -p -- "$CONF_DIR" || die "cannot create $CONF_DIR"
    tmp="$(mktemp -- "$CONF_DIR/.bash-cni.XXXXXX")" || die "cannot write in $CONF_DIR"
    printf '%s\n' "$conf" > "$tmp"
    if put "$CONF_DIR/$CONF_FILE_NAME" 0644 "$tmp"; then
        say "wrote $CONF_DIR/$CONF_FILE_NAME: $conf"
    else
        say "$CONF_DIR/$CONF_FILE_NAME is up to date"
    fi
    rm -f -- "$tmp"
}

make_bridge() {
    local out mac
    if ! out="$(ip addr show dev "$BRIDGE" 2>/dev/null)"; then
        ipv4_mac mac 0a:58 "$GATEWAY_INT"
        ip link add name "$BRIDGE" address "$mac" type bridge 2>/dev/null ||
            ip link show dev "$BRIDGE" >/dev/null 2>&1 || die "cannot create bridge $BRIDGE"
        say "created bridge $BRIDGE"
        out="$(ip addr show dev "$BRIDGE")"
    fi
    if [[ "$out" != *" inet $GATEWAY/"* ]]; then
        ip addr add "$GATEWAY/$PREFIX" brd + dev "$BRIDGE" || die "cannot add $GATEWAY/$PREFIX to $BRIDGE"
        say "added $GATEWAY/$PREFIX to $BRIDGE"
    fi
    ip link set dev "$BRIDGE" up || die "cannot bring $BRIDGE up"
    say "bridge $BRIDGE is up with $GATEWAY/$PREFIX"
}

uninstall() {
    local f ports
    if [[ -f "$CONF_DIR/$CONF_FILE_NAME" ]]; then
        if [[ "$(< "$CONF_DIR/$CONF_FILE_NAME")" == *'"type":"bash-cni"'* ]]; then
            rm -f -- "$CONF_DIR/$CONF_FILE_NAME" && say "removed $CONF_DIR/$CONF_FILE_NAME"
        else
            say "left $CONF_DIR/$CONF_FILE_NAME in place: it is not a bash-cni configuration"
        fi
    fi
    for f in bash-cni bash-cni-ipam; do
        [[ -e "$BIN_DIR/$f" ]] && rm -f -- "$BIN_DIR/$f" && say "removed $BIN_DIR/$f"
    done
    for f in "${LIB_FILES[@]}"; do
        rm -f -- "$BIN_DIR/lib/$f"
    done
    rmdir -- "$BIN_DIR/lib" 2>/dev/null && say "removed $BIN_DIR/lib"
    if [[ -z "$NO_BRIDGE" ]] && ip link show dev "$BRIDGE" >/dev/null 2>&1; then
        ports="$(ip -o link show master "$BRIDGE" 2>/dev/null)" || ports=""
        if [[ -n "$ports" ]]; then
            say "left bridge $BRIDGE in place: interfaces are still attached"
        else
            ip link del dev "$BRIDGE" && say "deleted bridge $BRIDGE"
        fi
    fi
    say "uninstalled"
}

main() {
    parse_args "$@"
    validate
    if [[ -n "$UNINSTALL" ]]; then
        uninstall
        return 0
    fi
    install_files
    write_conf
    [[ -n "$NO_BRIDGE" ]] || make_bridge
    say "done"
}

main "$@"
