variable "region" {
  description = "AWS region of the lab."
  type        = string
  default     = "eu-central-1"
}

variable "availability_zone" {
  description = "Availability zone of the lab's subnet (must belong to the region)."
  type        = string
  default     = "eu-central-1a"
}

variable "instance_type" {
  description = "EC2 instance type of each node (kubeadm needs 2 vCPUs and 2 GiB on the control plane)."
  type        = string
  default     = "t3.medium"
}

variable "key_name" {
  description = "Name of an existing EC2 key pair whose public key is installed for the ssh user."
  type        = string
}

variable "ssh_private_key_path" {
  description = "Local path of the private key matching key_name; only passed through to the outputs the test harness reads."
  type        = string
  default     = "~/.ssh/id_ed25519"
}

variable "admin_cidr" {
  description = "The one network allowed to reach SSH (22) and the Kubernetes API (6443), e.g. your public address as a.b.c.d/32."
  type        = string

  validation {
    condition     = can(cidrhost(var.admin_cidr, 0)) && var.admin_cidr != "0.0.0.0/0"
    error_message = "admin_cidr must be a valid IPv4 CIDR and must not be 0.0.0.0/0 (the world)."
  }
}

variable "kubernetes_minor_version" {
  description = "Kubernetes minor version installed on the nodes from pkgs.k8s.io (kubelet, kubeadm, kubectl are held at it)."
  type        = string
  default     = "1.32"

  validation {
    condition     = can(regex("^1\\.[0-9]+$", var.kubernetes_minor_version)) && try(tonumber(split(".", var.kubernetes_minor_version)[1]) >= 31, false)
    error_message = "kubernetes_minor_version is a minor version such as 1.32, at least 1.31: the bootstrap writes kubeadm's v1beta4 configuration, which kubeadm reads from 1.31 on."
  }
}

variable "ubuntu_release" {
  description = "Ubuntu release series in the AMI name (Canonical's images), e.g. noble-24.04."
  type        = string
  default     = "noble-24.04"
}

variable "owner_tag" {
  description = "Value of the Owner tag on every resource, to find the lab in a shared account."
  type        = string
  default     = "bash-cni"
}
