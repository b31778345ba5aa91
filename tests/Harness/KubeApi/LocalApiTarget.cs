using System.Text.Json.Nodes;
using BashCni.Harness.Cluster;
using BashCni.Harness.Kubernetes;
using BashCni.Harness.Sandbox;

namespace BashCni.Harness.KubeApi;

/// <summary>
/// The <c>local-api</c> cluster target: the embedded cluster (<see cref="LocalCluster"/>) with the strict API model in
/// front of it (<see cref="FakeKubernetesApi"/> on 127.0.0.1, kubelet side <see cref="CriKubelet"/>), driven through
/// <see cref="KubernetesCluster"/> exactly as a real cluster: a kubeconfig, node access over SSH (SSH.NET to each
/// node's sshd through its relay on 127.0.0.1), pods and ephemeral containers through the API.
/// </summary>
public static class LocalApiTarget
{
    public const string Name = "local-api";

    /// <summary>Starts the embedded cluster and its API and connects a <see cref="KubernetesCluster"/> to them.</summary>
    public static async Task<KubernetesCluster> CreateAsync(CancellationToken cancellationToken = default)
    {
        var local = await LocalCluster.StartAsync(cancellationToken).ConfigureAwait(false);
        FakeKubernetesApi? api = null;
        try
        {
            var kubelet = new CriKubelet(local);
            api = new FakeKubernetesApi(NodeObjects(local.Nodes), kubelet);
            var kubeconfig = Path.Combine(local.RunDirectory, "kubeconfig");
            await File.WriteAllTextAsync(kubeconfig, api.Kubeconfig, cancellationToken).ConfigureAwait(false);
            var settings = new KubernetesTargetSettings
            {
                Target = Name,
                KubeconfigPath = kubeconfig,
                NodeAccess = "ssh",
                SshUser = "root",
                SshKeyPath = local.SshClientKey,
                OutsideHost = LocalCluster.OutsideHostAddress,
                PodNetwork = LocalCluster.PodNetwork,
            };
            var owned = new Owned(api, local);
            return await KubernetesCluster.CreateAsync(settings, LocalRunner.Instance,
                (lab, clusterName) => new SshNodeAccess(clusterName,
                    new SshEndpoint("127.0.0.1", local.NodeOf(lab).Relay?.LocalPort ?? throw new InvalidOperationException($"node {lab} has no SSH relay"),
                        "root", local.SshClientKey)),
                owned, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (api is not null) await api.DisposeAsync().ConfigureAwait(false);
            await local.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The node objects the API serves: name and hostname label, the control plane's role label and taint,
    /// InternalIP, podCIDR (as kubeadm's nodes have them).</summary>
    public static JsonArray NodeObjects(IEnumerable<ClusterNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var items = new JsonArray();
        foreach (var node in nodes)
        {
            var master = node.Name == "master";
            var labels = new JsonObject { ["kubernetes.io/hostname"] = node.Name, ["kubernetes.io/os"] = "linux" };
            if (master) labels["node-role.kubernetes.io/control-plane"] = "";
            items.Add(new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = node.Name, ["labels"] = labels },
                ["spec"] = new JsonObject
                {
                    ["podCIDR"] = node.PodCidr,
                    ["podCIDRs"] = new JsonArray(node.PodCidr),
                    ["taints"] = master ? new JsonArray(new JsonObject { ["key"] = "node-role.kubernetes.io/control-plane", ["effect"] = "NoSchedule" }) : null,
                },
                ["status"] = new JsonObject
                {
                    ["addresses"] = new JsonArray(
                        new JsonObject { ["type"] = "InternalIP", ["address"] = node.Address },
                        new JsonObject { ["type"] = "Hostname", ["address"] = node.Name }),
                },
            });
        }
        return items;
    }

    /// <summary>The API first (its kubelet side finishes what it started), then the embedded cluster.</summary>
    private sealed class Owned(FakeKubernetesApi api, LocalCluster local) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await api.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                await local.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
