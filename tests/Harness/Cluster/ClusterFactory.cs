namespace BashCni.Harness.Cluster;

/// <summary>Creates the cluster a run targets: BASHCNI_CLUSTER_TARGET (local, local-api, kind, kubeconfig, aws; default local).</summary>
public static class ClusterFactory
{
    /// <summary>The setting's name without <see cref="HarnessEnvironment.Prefix"/>.</summary>
    public const string TargetSetting = "CLUSTER_TARGET";

    public const string TargetVariable = HarnessEnvironment.Prefix + TargetSetting;

    /// <summary>The target named by BASHCNI_CLUSTER_TARGET, or "local".</summary>
    public static string TargetFromEnvironment()
    {
        var value = HarnessEnvironment.Get(TargetSetting);
        return value is null ? "local" : value.Trim().ToLowerInvariant();
    }

    /// <summary>
    /// Why the target cannot run on this machine, or null when it can be tried. The cluster layer skips the local
    /// target with it (no root) and fails a chosen real target with it (what to set).
    /// </summary>
    public static string? UnavailableReason(string target) => target switch
    {
        "local" or KubeApi.LocalApiTarget.Name => Sandbox.SandboxHost.UnavailableReason,
        _ when Kubernetes.KubernetesClusterFactory.Serves(target) => Kubernetes.KubernetesClusterFactory.UnavailableReason(target),
        _ => $"cluster target '{target}' is not supported by this build (known: local, local-api, kind, kubeconfig, aws); set {TargetVariable}=local",
    };

    /// <summary>Starts (local) or connects to (real clusters) the target cluster.</summary>
    public static async Task<ICluster> CreateAsync(string target, CancellationToken cancellationToken = default) => target switch
    {
        "local" => await LocalCluster.StartAsync(cancellationToken).ConfigureAwait(false),
        KubeApi.LocalApiTarget.Name => await KubeApi.LocalApiTarget.CreateAsync(cancellationToken).ConfigureAwait(false),
        _ when Kubernetes.KubernetesClusterFactory.Serves(target) => await Kubernetes.KubernetesClusterFactory.CreateAsync(target, cancellationToken: cancellationToken).ConfigureAwait(false),
        _ => throw new NotSupportedException(UnavailableReason(target)),
    };
}
