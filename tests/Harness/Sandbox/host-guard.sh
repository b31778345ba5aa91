#!/usr/bin/env bash
# host-guard.sh COMMAND [ARG...]: runs COMMAND (a layer's test process, as root) where it cannot change the machine:
# in a network namespace of its own (only lo, up), and in a private mount namespace where the host directories no
# run may touch (/run, /var/log, /etc/cni, /opt/cni, /var/lib/cni — or, where one is missing, its nearest existing
# ancestor) are read-only, every submount included. A stray write fails at once with "Read-only file system" naming
# the path; a link, address, route or firewall rule lands in the guard's own namespace and vanishes with it. The
# sandboxes the tests build inside still mount their private tmpfs over these directories.
# COMMAND gets BASHCNI_HOST_NETNS (the inode of the network namespace it was kept from) and BASHCNI_HOST_GUARDED
# (the read-only mount points), which HostGuard (HostGuard.cs) verifies from inside.
set -euo pipefail

readonly WATCHED=(/run /var/log /etc/cni /opt/cni /var/lib/cni)

die() {
  printf 'host-guard: %s\n' "$*" >&2
  exit 97
}

if [[ "${1:-}" != --inside ]]; then
  (($# > 0)) || die "usage: host-guard.sh COMMAND [ARG...]"
  [[ "$(id -u)" -eq 0 ]] || die "needs root (unshare --net --mount)"
  host_netns="$(stat -L -c %i /proc/self/ns/net)"
  exec unshare --net --mount --propagation private -- env BASHCNI_HOST_NETNS="$host_netns" "$0" --inside "$@"
fi
shift

# protect DIR: DIR and every mount under it read-only (in this mount namespace only).
protect() {
  local dir="$1" target
  mountpoint -q "$dir" || mount -n --rbind "$dir" "$dir"
  while read -r target; do
    mount -n -o remount,bind,ro "$target" || die "cannot make $target read-only"
  done < <(findmnt -rn -o TARGET --task $$ | awk -v d="$dir" '$0 == d || index($0, d "/") == 1' | sort -u)
}

guarded=" "
for dir in "${WATCHED[@]}"; do
  while [[ ! -e "$dir" ]]; do dir="$(dirname "$dir")"; done
  [[ "$dir" != / ]] || die "cannot guard ${WATCHED[*]}: a missing one has no parent but /"
  case "$guarded" in *" $dir "*) continue ;; esac
  protect "$dir"
  guarded+="$dir "
done
ip link set lo up
export BASHCNI_HOST_GUARDED="${guarded# }"
exec "$@"
