resource "aws_instance" "node" {
  count                  = length(local.nodes)
  ami                    = data.aws_ami.ubuntu.id
  instance_type          = var.instance_type
  key_name               = var.key_name
  subnet_id              = aws_subnet.nodes.id
  private_ip             = local.nodes[count.index].private_ip
  vpc_security_group_ids = [aws_security_group.nodes.id]

  # Pods' addresses pass through the node's interface: without this AWS drops the routed stage's traffic.
  source_dest_check = false

  user_data = templatefile("${path.module}/cloud-init.yaml.tftpl", {
    hostname                 = local.nodes[count.index].name
    kubernetes_minor_version = var.kubernetes_minor_version
    lab_hosts                = join("\n", [for n in local.nodes : "${n.private_ip} ${n.name}"])
  })
  user_data_replace_on_change = true

  root_block_device {
    volume_size = 20
    volume_type = "gp3"
    encrypted   = true
  }

  metadata_options {
    http_tokens   = "required"
    http_endpoint = "enabled"
  }

  tags = {
    Name = "bash-cni-${local.nodes[count.index].name}"
    Role = local.nodes[count.index].role
  }
}
