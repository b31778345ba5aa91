locals {
  vpc_cidr     = "10.0.0.0/16"
  subnet_cidr  = "10.0.1.0/24"
  pod_network  = "10.244.0.0/16"
  ssh_user     = "ubuntu"
  api_port     = 6443

  # The lab's three nodes: hostname, private address and pod subnet (node.spec.podCIDR) by index.
  nodes = [
    { name = "master", private_ip = "10.0.1.10", pod_cidr = "10.244.0.0/24", role = "control-plane" },
    { name = "worker-1", private_ip = "10.0.1.11", pod_cidr = "10.244.1.0/24", role = "worker" },
    { name = "worker-2", private_ip = "10.0.1.12", pod_cidr = "10.244.2.0/24", role = "worker" },
  ]
}
