output "ssh_user" {
  description = "User to log in with on every node (sudo without password)."
  value       = local.ssh_user
}

output "ssh_private_key_path" {
  description = "Private key for the ssh user, as given in ssh_private_key_path."
  value       = var.ssh_private_key_path
}

output "node_names" {
  description = "Node names (hostnames, also the Kubernetes node names) in index order."
  value       = [for n in local.nodes : n.name]
}

output "public_ips" {
  description = "Public address of each node by name."
  value       = { for i, n in local.nodes : n.name => aws_instance.node[i].public_ip }
}

output "private_ips" {
  description = "Private (VPC) address of each node by name."
  value       = { for i, n in local.nodes : n.name => aws_instance.node[i].private_ip }
}

output "pod_cidrs" {
  description = "Pod subnet of each node by name; the bootstrap writes it into node.spec.podCIDR."
  value       = { for n in local.nodes : n.name => n.pod_cidr }
}

output "master_public_ip" {
  description = "Public address of the control plane (API on port 6443 from admin_cidr only)."
  value       = aws_instance.node[0].public_ip
}

output "pod_network" {
  description = "The cluster's pod network."
  value       = local.pod_network
}
