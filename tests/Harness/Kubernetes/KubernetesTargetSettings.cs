namespace BashCni.Harness.Kubernetes;

/// <summary>
/// Everything a Kubernetes-backed target needs, read from the environment:
/// <list type="bullet">
/// <item><c>BASHCNI_CLUSTER_TARGET</c> kind | kubeconfig | aws</item>
/// <item><c>KUBECONFIG</c> (or <c>BASHCNI_KUBECONFIG</c>, which wins), optional <c>BASHCNI_KUBE_CONTEXT</c></item>
/// <item><c>BASHCNI_NODE_MAP</c> lab=cluster pairs, e.g. <c>worker-1=kind-worker,worker-2=kind-worker2,master=kind-control-plane</c></item>
/// <item><c>BASHCNI_NODE_ACCESS</c> ssh | docker (default: docker for kind, ssh otherwise)</item>
/// <item><c>BASHCNI_SSH_USER</c>, <c>BASHCNI_SSH_KEY</c> (private key file), <c>BASHCNI_SSH_PORT</c>,
/// <c>BASHCNI_SSH_BASTION</c> ([user@]host[:port]), <c>BASHCNI_SSH_HOSTS</c> (lab=address pairs; default: the node's InternalIP)</item>
/// <item><c>BASHCNI_NAMESPACE</c> (default bash-cni-test), <c>BASHCNI_OUTSIDE_HOST</c> (reachability's outside target;
/// default: the control-plane node's default gateway)</item>
/// <item><c>BASHCNI_POD_NETWORK</c> (default 10.244.0.0/16), <c>BASHCNI_KEEP</c>=1 keeps pods and provisioned machines</item>
/// </list>
/// </summary>
public sealed record KubernetesTargetSettings
{
    public required string Target { get; init; }
    public string? KubeconfigPath { get; init; }
    public string? KubeContext { get; init; }
    public NodeNameMap NodeMap { get; init; } = NodeNameMap.Identity;
    public string NodeAccess { get; init; } = "ssh";
    public string SshUser { get; init; } = "root";
    public string? SshKeyPath { get; init; }
    public int SshPort { get; init; } = 22;
    public string? SshBastion { get; init; }
    public IReadOnlyDictionary<string, string> SshHosts { get; init; } = new Dictionary<string, string>();
    public string Namespace { get; init; } = "bash-cni-test";
    public string? OutsideHost { get; init; }
    public string PodNetwork { get; init; } = "10.244.0.0/16";
    public bool Keep { get; init; }

    /// <summary>Targets this backend serves.</summary>
    public static IReadOnlyList<string> Targets { get; } = ["kind", "kubeconfig", "aws"];

    /// <summary>Reads the settings for <paramref name="target"/> from <paramref name="environment"/> (default: the process's).</summary>
    public static KubernetesTargetSettings FromEnvironment(string target, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        environment ??= Environment.GetEnvironmentVariable;
        // A harness setting by its name without BASHCNI_ (HarnessEnvironment: one prefix, documented aliases).
        string? Get(string name) => HarnessEnvironment.Get(name, environment)?.Trim();

        target = target.Trim().ToLowerInvariant();
        if (!Targets.Contains(target))
            throw new ArgumentException($"unknown Kubernetes target '{target}' (expected one of {string.Join(", ", Targets)})", nameof(target));

        var kubeconfig = Get("KUBECONFIG") ?? FirstKubeconfig(environment("KUBECONFIG") is { Length: > 0 } v ? v.Trim() : null);
        var map = Get("NODE_MAP") is { } mapText ? NodeNameMap.Parse(mapText)
            : target == "kind" ? NodeNameMap.Kind : NodeNameMap.Identity;
        var access = (Get("NODE_ACCESS") ?? (target == "kind" ? "docker" : "ssh")).ToLowerInvariant();
        if (access is not ("ssh" or "docker"))
            throw new ClusterNotConfiguredException(target, $"BASHCNI_NODE_ACCESS must be 'ssh' or 'docker', not '{access}'");

        return new KubernetesTargetSettings
        {
            Target = target,
            KubeconfigPath = kubeconfig,
            KubeContext = Get("KUBE_CONTEXT"),
            NodeMap = map,
            NodeAccess = access,
            SshUser = Get("SSH_USER") ?? (target == "aws" ? "ubuntu" : "root"),
            SshKeyPath = Get("SSH_KEY") is { } key ? ExpandHome(key) : null,
            SshPort = Get("SSH_PORT") is { } port ? int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) : 22,
            SshBastion = Get("SSH_BASTION"),
            SshHosts = Get("SSH_HOSTS") is { } hosts ? NodeNameMap.Parse(hosts).Pairs : new Dictionary<string, string>(),
            Namespace = Get("NAMESPACE") ?? "bash-cni-test",
            OutsideHost = Get("OUTSIDE_HOST"),
            PodNetwork = Get("POD_NETWORK") ?? "10.244.0.0/16",
            Keep = Get("KEEP") is "1" or "true",
        };
    }

    /// <summary>Throws <see cref="ClusterNotConfiguredException"/> naming what is missing for an existing cluster.</summary>
    public void EnsureUsable(Func<string, bool>? fileExists = null)
    {
        fileExists ??= File.Exists;
        if (KubeconfigPath is null)
            throw new ClusterNotConfiguredException(Target, Target switch
            {
                "kind" => "set KUBECONFIG to the kind cluster's kubeconfig (e.g. `kind get kubeconfig > kind.kubeconfig`; " +
                          "the cluster from infra/kind/kind-config.yaml) and make `docker` reach its nodes",
                "aws" => "set KUBECONFIG to the lab's kubeconfig plus BASHCNI_SSH_KEY (and BASHCNI_SSH_HOSTS for the nodes' public " +
                         "addresses), or run `./run-tests.sh cluster --target aws --provision` (terraform, AWS credentials, infra/aws/terraform.tfvars)",
                _ => "set KUBECONFIG to a kubeconfig file of the cluster, BASHCNI_SSH_USER and BASHCNI_SSH_KEY for node access " +
                     "(BASHCNI_SSH_BASTION optional), and BASHCNI_NODE_MAP when its node names are not master/worker-1/worker-2",
            });
        if (!fileExists(KubeconfigPath))
            throw new ClusterNotConfiguredException(Target, $"KUBECONFIG points to '{KubeconfigPath}', which does not exist");
        if (NodeAccess == "ssh" && SshKeyPath is null)
            throw new ClusterNotConfiguredException(Target,
                "set BASHCNI_SSH_KEY (private key file) and BASHCNI_SSH_USER for node access over SSH, or BASHCNI_NODE_ACCESS=docker for kind nodes");
        if (NodeAccess == "ssh" && SshKeyPath is not null && !fileExists(SshKeyPath))
            throw new ClusterNotConfiguredException(Target, $"BASHCNI_SSH_KEY points to '{SshKeyPath}', which does not exist");
    }

    private static string? FirstKubeconfig(string? value) =>
        value?.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() is { } first
            ? ExpandHome(first) : null;

    private static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;
}
