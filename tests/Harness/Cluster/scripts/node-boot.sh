#!/usr/bin/env bash
# Boots one local-cluster node. Runs as the node's anchor process, started as
#   nsenter --net=/run/netns/NODE unshare --mount --uts --propagation private -- \
#     bash node-boot.sh NODE ADDRESS NODE_DIR IMAGE_DIR SSH_DIR SANDBOX_IMAGE
# so the node has its own network, mount and UTS namespaces. It mounts private tmpfs over every directory the
# plugin, containerd or sshd write to (containerd's root and state live under the private /run), sets the
# hostname, writes sshd's and containerd's configs into NODE_DIR, starts both (PIDs in NODE_DIR/*.pid),
# imports the pause image, writes NODE_DIR/ready, imports the workload images, writes NODE_DIR/images-ready
# and then sleeps until it is killed.
# SSH_DIR holds host_key and authorized_keys (made per run by the harness).
# The node runs inside the harness's sandbox (SandboxHost), whose mount namespace already has every directory below
# as a private mount point; mounts are made with -n, so libmount writes nothing under /run/mount either.
# Only containerd.sock (in NODE_DIR, outside the private mounts) is reachable from outside the node.
set -euo pipefail

readonly PRIVATE_DIRS=(/run /var/log /var/lib/cni /etc/cni/net.d /opt/cni/bin)

# mark STEP: a timestamped progress line in the boot log (NODE_DIR/boot.log).
mark() {
  printf 'node-boot %s: %s at +%sms\n' "$NODE" "$1" "$(($(date +%s%3N) - START_MS))"
}

fail() {
  echo "node-boot: $*" >&2
  echo "$*" >"$NODE_DIR/failed"
  exit 1
}

private_mounts() {
  local dir
  for dir in "${PRIVATE_DIRS[@]}"; do
    [[ -d "$dir" ]] || fail "$dir does not exist on this machine"
    mount -n -t tmpfs -o mode=0755 tmpfs "$dir"
  done
  # A sysfs of the node's own network namespace (as `ip netns exec` gives), with the host's cgroup
  # hierarchies bound back under it: runc finds its cgroup mounts in /proc/self/mountinfo.
  mkdir -p /run/host-cgroup
  mount -n --rbind /sys/fs/cgroup /run/host-cgroup
  mount -n -t sysfs sysfs /sys
  mount -n --rbind /run/host-cgroup /sys/fs/cgroup
  umount -n -l /run/host-cgroup
  rmdir /run/host-cgroup
  mkdir -p /run/sshd /run/netns /run/containerd /var/log/pods
  chmod 0755 /run/sshd
  cp /usr/lib/cni/loopback /opt/cni/bin/loopback
}

write_configs() {
  cat >"$NODE_DIR/sshd_config" <<CONF
ListenAddress $ADDRESS
Port 22
HostKey $SSH_DIR/host_key
AuthorizedKeysFile $SSH_DIR/authorized_keys
PidFile $NODE_DIR/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
UseDNS no
MaxStartups 50:30:100
MaxSessions 50
CONF
  cat >"$NODE_DIR/containerd.toml" <<CONF
version = 2
root = "/run/containerd/root"
state = "/run/containerd/state"
disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = "$NODE_DIR/containerd.sock"

[ttrpc]
  address = "/run/containerd/ttrpc.sock"

[debug]
  level = "info"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$SANDBOX_IMAGE"
  disable_apparmor = true
  restrict_oom_score_adj = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/opt/cni/bin"
    conf_dir = "/etc/cni/net.d"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "/usr/sbin/runc"
        SystemdCgroup = false
CONF
}

start_sshd() {
  /usr/sbin/sshd -f "$NODE_DIR/sshd_config" -E "$NODE_DIR/sshd.log"
}

start_containerd() {
  containerd --config "$NODE_DIR/containerd.toml" >"$NODE_DIR/containerd.log" 2>&1 </dev/null &
  echo "$!" >"$NODE_DIR/containerd.pid"
  local i
  for ((i = 0; i < 300; i++)); do
    [[ -S "$NODE_DIR/containerd.sock" ]] && ctr --address "$NODE_DIR/containerd.sock" version >/dev/null 2>&1 && return 0
    kill -0 "$(cat "$NODE_DIR/containerd.pid")" 2>/dev/null || fail "containerd exited (see $NODE_DIR/containerd.log)"
    sleep 0.05
  done
  fail "containerd did not answer on $NODE_DIR/containerd.sock within 15 s"
}

# import_images ARCHIVE...: imports (and unpacks) docker archives into containerd's k8s.io namespace.
import_images() {
  local archive
  for archive in "$@"; do
    ctr --address "$NODE_DIR/containerd.sock" -n k8s.io images import "$archive" >>"$NODE_DIR/import.log" 2>&1 ||
      fail "importing $archive failed (see $NODE_DIR/import.log)"
  done
}

main() {
  (($# == 6)) || { echo "usage: node-boot.sh NODE ADDRESS NODE_DIR IMAGE_DIR SSH_DIR SANDBOX_IMAGE" >&2; exit 2; }
  NODE="$1"
  ADDRESS="$2"
  NODE_DIR="$3"
  IMAGE_DIR="$4"
  SSH_DIR="$5"
  SANDBOX_IMAGE="$6"
  START_MS="$(date +%s%3N)"
  hostname "$NODE"
  private_mounts
  write_configs
  start_sshd
  mark "sshd started"
  start_containerd
  mark "containerd answers"
  import_images "$IMAGE_DIR/pause.tar"
  mark "pause image imported"
  # ready for SSH and CRI; the workload images follow while the node is being provisioned
  touch "$NODE_DIR/ready"
  local archive workloads=()
  for archive in "$IMAGE_DIR"/*.tar; do
    [[ "$archive" == */pause.tar ]] || workloads+=("$archive")
  done
  import_images "${workloads[@]}"
  mark "workload images imported"
  touch "$NODE_DIR/images-ready"
  exec sleep infinity
}

main "$@" </dev/null
