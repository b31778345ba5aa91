#!/bin/bash
# shellcheck disable=SC2034  # state shared with lib/
# The entry of both plugins: build-layout.sh writes bash-cni and bash-cni-ipam from this file, each
# setting BASH_CNI_PLUGIN to its name first. They find lib/ beside themselves (a symlink to a plugin
# is resolved), read the configuration reader, start the early work of bash-cni (early.sh), read
# the rest every call needs, and hand CNI_COMMAND to cni_main with the plugin's five commands (cmd/*.sh).
# plugin: bash-cni: CNI interface plugin. Connects a pod to a Linux bridge through a veth pair and assigns it an address from the built-in IPAM (lab form) or from a delegated ipam plugin. Commands: ADD, DEL, CHECK, STATUS, GC, VERSION. See README.md for the configuration.
# plugin: bash-cni-ipam: CNI IPAM plugin with host-local semantics (file per address, flock, round-robin). Reads the "ipam" section of the network configuration, or the top-level fields of the lab form. Commands: ADD, DEL, CHECK, STATUS, GC, VERSION. It never touches CNI_NETNS.

# layout: @entry
set -euo pipefail
export LC_ALL=C
umask 022
BASH_CNI_SELF="${BASH_SOURCE[0]}"
if [[ -L "$BASH_CNI_SELF" ]]; then
    BASH_CNI_SELF="$(exec readlink -f -- "$BASH_CNI_SELF")"
fi
BASH_CNI_DIR=.
[[ "$BASH_CNI_SELF" == */* ]] && BASH_CNI_DIR="${BASH_CNI_SELF%/*}"
if [[ ! -f "$BASH_CNI_DIR/lib/start.sh" ]]; then
    printf '{"cniVersion":"1.1.0","code":100,"msg":"%s: library directory %s/lib is missing","details":""}\n' "$BASH_CNI_PLUGIN" "$BASH_CNI_DIR"
    exit 1
fi
# shellcheck source=lib/start.sh
source "$BASH_CNI_DIR/lib/start.sh"
# shellcheck source=lib/json.sh
source "$BASH_CNI_DIR/lib/json.sh"
# shellcheck source=lib/config.sh
source "$BASH_CNI_DIR/lib/config.sh"
if [[ "$BASH_CNI_PLUGIN" == bash-cni ]]; then
    case "${CNI_COMMAND:-}" in
        ADD)
            # shellcheck source=lib/add-start.sh
            source "$BASH_CNI_DIR/lib/add-start.sh"
            early_start ;;
        DEL) early_del ;;
    esac
fi
# shellcheck source=lib/common.sh
source "$BASH_CNI_DIR/lib/common.sh"
# shellcheck source=lib/ipv4.sh
source "$BASH_CNI_DIR/lib/ipv4.sh"
# shellcheck source=lib/resolve.sh
source "$BASH_CNI_DIR/lib/resolve.sh"
# shellcheck source=lib/ipam.sh
source "$BASH_CNI_DIR/lib/ipam.sh"
if [[ "$BASH_CNI_PLUGIN" == bash-cni ]]; then
    # shellcheck source=lib/link.sh
    source "$BASH_CNI_DIR/lib/link.sh"
    # shellcheck source=lib/bash-cni.sh
    source "$BASH_CNI_DIR/lib/bash-cni.sh"
    cni_main cmd_add cmd_del cmd_check cmd_status cmd_gc
else
    cni_main ipam_cmd_add ipam_cmd_del ipam_cmd_check ipam_cmd_status ipam_cmd_gc
fi
