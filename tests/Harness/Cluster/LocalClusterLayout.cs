using BashCni.Harness.Cni;

namespace BashCni.Harness.Cluster;

/// <summary>
/// The addresses of the embedded cluster: its three nodes (name, node address on the vpc bridge, podCIDR) and the pod
/// network the plugin's config names. <see cref="Lab"/> is the lab's (10.244.0.0/16); any other must keep every
/// podCIDR inside the pod network and the node names and addresses of <see cref="LocalCluster.DefaultNodes"/>
/// (network-up.sh builds the vpc bridge for those).
/// </summary>
public sealed record LocalClusterLayout
{
    public LocalClusterLayout(string podNetwork, IReadOnlyList<ClusterNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var network = Cidr.Parse(podNetwork);
        foreach (var node in nodes)
        {
            if (!network.Contains(Cidr.Parse(node.PodCidr)))
                throw new ArgumentException($"podCIDR {node.PodCidr} of node {node.Name} is not inside the pod network {podNetwork}", nameof(nodes));
        }
        PodNetwork = podNetwork;
        Nodes = nodes;
    }

    public string PodNetwork { get; }

    public IReadOnlyList<ClusterNode> Nodes { get; }

    /// <summary>The lab's layout: 10.244.0.0/16, podCIDRs 10.244.0/1/2.0/24 (src/Plugin/README.md's lab config).</summary>
    public static LocalClusterLayout Lab { get; } = new(LocalCluster.PodNetwork, LocalCluster.DefaultNodes);

    /// <summary>The lab's nodes with podCIDRs <c>&lt;prefix&gt;.N.0/24</c> in the pod network <c>&lt;prefix&gt;.0.0/16</c>
    /// (e.g. "10.42": k3s's default cluster CIDR), in the order of <see cref="LocalCluster.DefaultNodes"/>.</summary>
    public static LocalClusterLayout WithPodNetwork16(string prefix) =>
        new($"{prefix}.0.0/16", LocalCluster.DefaultNodes.Select((n, i) => n with { PodCidr = $"{prefix}.{i}.0/24" }).ToList());
}
