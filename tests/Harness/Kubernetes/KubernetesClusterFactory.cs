using BashCni.Harness.Cluster;
using BashCni.Harness.Sandbox;

namespace BashCni.Harness.Kubernetes;

/// <summary>
/// The real-cluster targets of <c>BASHCNI_CLUSTER_TARGET</c>: kind (docker exec onto the nodes), kubeconfig (any
/// cluster, SSH onto the nodes) and aws (the lab's kubeadm nodes; with <c>BASHCNI_AWS_PROVISION=1</c> provisioned first).
/// </summary>
public static class KubernetesClusterFactory
{
    public static bool Serves(string target) => KubernetesTargetSettings.Targets.Contains(target);

    /// <summary>Why the target cannot be used as configured (the cluster layer fails with it: a chosen target that is
    /// not configured is red), or null when it can be tried.</summary>
    public static string? UnavailableReason(string target, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        try
        {
            if (target == "aws" && AwsLab.ProvisionRequested(environment))
            {
                AwsLabSettings.FromEnvironment(environment).EnsureUsable();
                return null;
            }
            KubernetesTargetSettings.FromEnvironment(target, environment).EnsureUsable();
            return null;
        }
        catch (ClusterNotConfiguredException e)
        {
            return e.Message;
        }
    }

    /// <summary>Connects to (and for aws with provisioning, first builds) the cluster; throws
    /// <see cref="ClusterNotConfiguredException"/> naming what to set when the target is not configured.</summary>
    public static async Task<ICluster> CreateAsync(string target, ICommandRunner? runner = null, CancellationToken cancellationToken = default)
    {
        runner ??= LocalRunner.Instance;
        if (target == "aws" && AwsLab.ProvisionRequested(Environment.GetEnvironmentVariable))
        {
            var lab = await AwsLab.ProvisionAsync(AwsLabSettings.FromEnvironment(Environment.GetEnvironmentVariable), runner,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                var settings = lab.ClusterSettings(KubernetesTargetSettings.FromEnvironment(target));
                return await KubernetesCluster.CreateAsync(settings, runner, lab, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await lab.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        return await KubernetesCluster.CreateAsync(KubernetesTargetSettings.FromEnvironment(target), runner,
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
