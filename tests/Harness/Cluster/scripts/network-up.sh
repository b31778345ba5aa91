#!/usr/bin/env bash
# Builds the local cluster's network inside the sandbox (never in the root namespace):
#   "vpc" bridge 10.0.1.0/24 (in the sandbox's own netns)
#   router netns: eth0 10.0.1.1/24 on vpc, eth1 198.51.100.254/24 towards "outside", ip_forward=1
#   outside netns: eth0 198.51.100.1/24, default via the router (the simulated host beyond the VPC)
#   one netns per node: eth0 <address>/24 on vpc, default via 10.0.1.1, ip_forward=1,
#   bridge-nf-call-iptables=1 and iptables FORWARD policy DROP (the lab hosts' firewall state).
# Usage: network-up.sh NODE=ADDRESS...   (e.g. master=10.0.1.10 worker-1=10.0.1.11)
set -euo pipefail

guard() {
  if ip link show eth0 >/dev/null 2>&1 || ip route show default | grep -q .; then
    echo "network-up.sh: refusing to run where eth0 or a default route is visible (not in a sandbox)" >&2
    exit 98
  fi
}

add_router() {
  ip netns add router
  ip netns add outside
  ip link add vpc-router type veth peer name eth0 netns router
  ip link set vpc-router master vpc up
  ip -n router link add eth1 type veth peer name eth0 netns outside
  ip -n router addr add 10.0.1.1/24 dev eth0
  ip -n router addr add 198.51.100.254/24 dev eth1
  ip -n router link set lo up
  ip -n router link set eth0 up
  ip -n router link set eth1 up
  ip netns exec router sysctl -qw net.ipv4.ip_forward=1
  ip -n outside addr add 198.51.100.1/24 dev eth0
  ip -n outside link set lo up
  ip -n outside link set eth0 up
  ip -n outside route add default via 198.51.100.254
}

add_node() {
  local name="$1" address="$2"
  ip netns add "$name"
  ip link add "vpc-$name" type veth peer name eth0 netns "$name"
  ip link set "vpc-$name" master vpc up
  ip -n "$name" addr add "$address/24" dev eth0
  ip -n "$name" link set lo up
  ip -n "$name" link set eth0 up
  ip -n "$name" route add default via 10.0.1.1
  ip netns exec "$name" sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
  ip netns exec "$name" iptables -P FORWARD DROP
}

main() {
  (($# > 0)) || { echo "usage: network-up.sh NODE=ADDRESS..." >&2; exit 2; }
  guard
  ip link add vpc type bridge
  ip link set vpc up
  add_router
  local spec
  for spec in "$@"; do
    add_node "${spec%%=*}" "${spec#*=}"
  done
}

main "$@"
