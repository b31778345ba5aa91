using BashCni.Harness.Cluster;

namespace BashCni.Harness.KubeApi;

/// <summary>
/// What the <c>local-api</c> cluster looks like beyond the lab's three nodes, each item because real clusters have it
/// and the harness must cope (<see cref="Realistic"/>).
/// </summary>
public sealed record LocalApiProfile
{
    /// <summary>The nodes' podCIDRs and the pod network (the plugin's --network, the stage scripts' FORWARD and
    /// MASQUERADE rules).</summary>
    public required LocalClusterLayout Layout { get; init; }

    /// <summary>Nodes the API lists that are not lab nodes (no machine behind them: NotReady with the not-ready taint,
    /// their SSH answers nothing): node preparation, the stage scripts and the pre-flight must leave them alone.</summary>
    public IReadOnlyList<ClusterNode> OffMapNodes { get; init; } = [];

    /// <summary>A CoreDNS stand-in per lab node (<see cref="SystemPods"/>): created once the node is Ready, restarted
    /// on a node when the first other pod there is deleted.</summary>
    public bool SystemPods { get; init; }

    /// <summary>The probe container's image, when it is one the nodes pull from the registry (not in their stores at
    /// first) and whose first pull on each node fails; null: the lab's tool image, already on the nodes.</summary>
    public string? PulledProbeImage { get; init; }

    /// <summary>Whether the nodes' default gateway (the router) answers ping. A cloud's VPC router does not: then the
    /// "outside" host must be configured (<see cref="OutsideHost"/>, as BASHCNI_OUTSIDE_HOST).</summary>
    public bool GatewayAnswersPing { get; init; } = true;

    /// <summary>The configured "outside" host (BASHCNI_OUTSIDE_HOST), null: the default (the master's default gateway).</summary>
    public string? OutsideHost { get; init; } = LocalCluster.OutsideHostAddress;

    /// <summary>
    /// The cluster CI runs the cluster layer on: pod network 10.42.0.0/16 (k3s's default; not the lab's 10.244.0.0/16),
    /// a fourth node worker-3 (10.42.3.0/24) outside the node map, CoreDNS stand-ins that are restarted during the run,
    /// a probe image whose first pull fails once per node, and a gateway that does not answer ping (the outside host
    /// is configured).
    /// </summary>
    public static LocalApiProfile Realistic { get; } = new()
    {
        Layout = LocalClusterLayout.WithPodNetwork16("10.42"),
        OffMapNodes = [new ClusterNode("worker-3", "10.0.1.13", "10.42.3.0/24")],
        SystemPods = true,
        PulledProbeImage = "registry.local/bashcni/netshoot-probe:v0.13",
        GatewayAnswersPing = false,
    };
}
