resource "aws_security_group" "nodes" {
  name        = "bash-cni-lab-nodes"
  description = "bash-cni lab nodes: SSH and API from the admin network, everything between nodes and pods"
  vpc_id      = aws_vpc.lab.id

  tags = {
    Name = "bash-cni-lab-nodes"
  }
}

resource "aws_vpc_security_group_ingress_rule" "ssh_admin" {
  security_group_id = aws_security_group.nodes.id
  description       = "SSH from the admin network"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = var.admin_cidr
}

resource "aws_vpc_security_group_ingress_rule" "api_admin" {
  security_group_id = aws_security_group.nodes.id
  description       = "Kubernetes API from the admin network"
  ip_protocol       = "tcp"
  from_port         = local.api_port
  to_port           = local.api_port
  cidr_ipv4         = var.admin_cidr
}

resource "aws_vpc_security_group_ingress_rule" "vpc_all" {
  security_group_id = aws_security_group.nodes.id
  description       = "Everything between the nodes"
  ip_protocol       = "-1"
  cidr_ipv4         = local.vpc_cidr
}

# Pod-to-pod traffic across nodes keeps the pods' source addresses (no overlay), so the group must let them in.
resource "aws_vpc_security_group_ingress_rule" "pods_all" {
  security_group_id = aws_security_group.nodes.id
  description       = "Everything from the pod network"
  ip_protocol       = "-1"
  cidr_ipv4         = local.pod_network
}

resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.nodes.id
  description       = "Outbound to anywhere"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}
