#!/usr/bin/env bash
# Which Debian packages a run needs, by the layers and the cluster target it runs — sourced by run-tests.sh,
# and runnable on its own (the unit layer tests it):
#
#   .ci/packages.sh [--target local|local-api|kind|kubeconfig|aws] [--needed] LAYER...
#       prints the packages to install (with --needed: all the run needs, installed or not), one a line
#
# Rules:
#   - every layer: the plugin's tools (bash >= 5 comes with the system; jq, iproute2, util-linux) and curl;
#     unit: + shellcheck; netns: + ping, iptables, bridge, socat, the reference plugins, strace;
#     bench: + the reference plugins, strace; report (the rendered report's browser check): + chromium.
#   - the cluster layer, whatever the target: + the embedded cluster's runtime and node tools (containerd, runc,
#     openssh-server, busybox-static, nginx-light, socat, iptables, ping). The local and local-api targets run the
#     pods on it; on a real target (kind, kubeconfig, aws) the nodes run the pods, but the cluster layer's self-test
#     (tests/Cluster/SelfTest) still starts the embedded cluster, so it needs them too.
#   - never replace Docker's runtime: where containerd.io is installed (it Provides/Conflicts/Replaces
#     containerd and runc — apt would remove it and docker-ce with it), containerd and runc are not installed;
#     the local cluster then uses containerd.io's /usr/bin/containerd and runc.
# Installed-ness is read with dpkg-query (BASHCNI_DPKG_QUERY names another executable, for tests).
set -euo pipefail

readonly PACKAGES_COMMON=(jq iproute2 util-linux curl)
readonly PACKAGES_UNIT=(shellcheck)
readonly PACKAGES_NETNS=(iputils-ping iptables bridge-utils socat containernetworking-plugins strace)
readonly PACKAGES_BENCH=(containernetworking-plugins strace)
readonly PACKAGES_REPORT=(chromium)
readonly PACKAGES_CLUSTER_LOCAL=(containerd runc openssh-server busybox-static nginx-light socat iptables iputils-ping)

# package_installed NAME: dpkg says it is installed.
package_installed() {
  local status
  # shellcheck disable=SC2016 # ${Status} is dpkg-query's format field, not a shell expansion
  status="$("${BASHCNI_DPKG_QUERY:-dpkg-query}" -W -f='${Status}' "$1" 2>/dev/null || true)"
  [[ "$status" == "install ok installed" ]]
}

# packages_needed TARGET LAYER...: every package the layers need on this machine (deduplicated, in order).
packages_needed() {
  local target="${1:-local}" layer pkg
  shift
  local -a wanted=("${PACKAGES_COMMON[@]}")
  for layer in "$@"; do
    case "$layer" in
      unit) wanted+=("${PACKAGES_UNIT[@]}") ;;
      netns | mutate) wanted+=("${PACKAGES_NETNS[@]}") ;;
      bench) wanted+=("${PACKAGES_BENCH[@]}") ;;
      report) wanted+=("${PACKAGES_REPORT[@]}") ;;
      cluster)
        case "$target" in
          local | local-api | kind | kubeconfig | aws) wanted+=("${PACKAGES_CLUSTER_LOCAL[@]}") ;;
          *) printf 'packages.sh: unknown target %s\n' "$target" >&2; return 2 ;;
        esac
        ;;
      *) printf 'packages.sh: unknown layer %s\n' "$layer" >&2; return 2 ;;
    esac
  done
  local docker_runtime=0
  package_installed containerd.io && docker_runtime=1
  local -A seen=()
  for pkg in "${wanted[@]}"; do
    [[ -z "${seen[$pkg]:-}" ]] || continue
    seen[$pkg]=1
    if ((docker_runtime)) && [[ "$pkg" == containerd || "$pkg" == runc ]]; then continue; fi
    printf '%s\n' "$pkg"
  done
}

# packages_missing TARGET LAYER...: the needed packages dpkg does not report installed.
packages_missing() {
  local pkg
  while read -r pkg; do
    package_installed "$pkg" || printf '%s\n' "$pkg"
  done < <(packages_needed "$@")
}

packages_main() {
  local target=local all=0
  local -a layers=()
  while (($#)); do
    case "$1" in
      --target) target="${2:?--target needs a value}"; shift 2 ;;
      --needed) all=1; shift ;;
      *) layers+=("$1"); shift ;;
    esac
  done
  ((${#layers[@]})) || layers=(unit netns cluster)
  case "$target" in
    local | local-api | kind | kubeconfig | aws) ;;
    *) printf 'packages.sh: unknown target %s\n' "$target" >&2; return 2 ;;
  esac
  if ((all)); then packages_needed "$target" "${layers[@]}"; else packages_missing "$target" "${layers[@]}"; fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  packages_main "$@"
fi
