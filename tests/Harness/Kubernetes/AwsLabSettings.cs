namespace BashCni.Harness.Kubernetes;

/// <summary>
/// How the lab's AWS machines are provisioned: <c>BASHCNI_AWS_DIR</c> (Terraform directory, default infra/aws),
/// <c>BASHCNI_AWS_TFVARS</c> (variables file, default &lt;dir&gt;/terraform.tfvars), <c>BASHCNI_TERRAFORM</c>
/// (the terraform binary, default from PATH), <c>BASHCNI_KEEP</c>=1 (leave the machines running).
/// </summary>
public sealed record AwsLabSettings(string TerraformDirectory, string VarFile, string Terraform, bool Keep)
{
    public static AwsLabSettings FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        // A harness setting by its name without BASHCNI_ (HarnessEnvironment: one prefix, documented aliases).
        string? Get(string name) => HarnessEnvironment.Get(name, environment)?.Trim();
        var dir = Get("AWS_DIR") ?? Path.Combine(RepoPaths.Root, "infra", "aws");
        return new AwsLabSettings(
            Path.GetFullPath(dir),
            Path.GetFullPath(Get("AWS_TFVARS") ?? Path.Combine(dir, "terraform.tfvars")),
            Get("TERRAFORM") ?? "terraform",
            Get("KEEP") is "1" or "true");
    }

    /// <summary>Where the lab's kubeconfig is written (git-ignored).</summary>
    public string StateDirectory => Path.Combine(TerraformDirectory, ".lab");

    /// <summary>Throws <see cref="ClusterNotConfiguredException"/> naming what provisioning lacks.</summary>
    public void EnsureUsable()
    {
        if (FindOnPath(Terraform) is null)
            throw new ClusterNotConfiguredException("aws",
                $"provisioning needs terraform (>= 1.6) on PATH or BASHCNI_TERRAFORM pointing to it ('{Terraform}' not found), plus AWS credentials in the environment");
        if (!File.Exists(VarFile))
            throw new ClusterNotConfiguredException("aws",
                $"provisioning needs a variables file: copy infra/aws/terraform.tfvars.example to {VarFile} and set key_name, ssh_private_key_path and admin_cidr (or set BASHCNI_AWS_TFVARS)");
    }

    internal static string? FindOnPath(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal)) return File.Exists(program) ? program : null;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }
}
