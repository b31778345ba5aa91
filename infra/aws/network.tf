resource "aws_vpc" "lab" {
  cidr_block           = local.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = "bash-cni-lab"
  }
}

resource "aws_subnet" "nodes" {
  vpc_id                  = aws_vpc.lab.id
  cidr_block              = local.subnet_cidr
  availability_zone       = var.availability_zone
  map_public_ip_on_launch = true

  tags = {
    Name = "bash-cni-lab-nodes"
  }
}

resource "aws_internet_gateway" "lab" {
  vpc_id = aws_vpc.lab.id

  tags = {
    Name = "bash-cni-lab"
  }
}

resource "aws_route_table" "nodes" {
  vpc_id = aws_vpc.lab.id

  tags = {
    Name = "bash-cni-lab-nodes"
  }
}

# Egress to the internet (package installs, the reachability stage's outside target).
resource "aws_route" "internet" {
  route_table_id         = aws_route_table.nodes.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.lab.id
}

# The routed stage: each node's pod subnet is delivered to that node's interface. Works only because
# source_dest_check is off on the instances (pod addresses are neither source nor destination of the ENI).
resource "aws_route" "pod_subnet" {
  count                  = length(local.nodes)
  route_table_id         = aws_route_table.nodes.id
  destination_cidr_block = local.nodes[count.index].pod_cidr
  network_interface_id   = aws_instance.node[count.index].primary_network_interface_id
}

resource "aws_route_table_association" "nodes" {
  subnet_id      = aws_subnet.nodes.id
  route_table_id = aws_route_table.nodes.id
}
