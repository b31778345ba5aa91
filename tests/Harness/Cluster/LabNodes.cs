namespace BashCni.Harness.Cluster;

/// <summary>
/// The lab's three nodes (master, worker-1, worker-2: fixtures/deploy.yaml's nodeSelectors, the reachability
/// expectations' <c>nodes</c>). A real cluster may have more nodes (a fourth worker, nodes without a podCIDR of
/// ours): node preparation and the stage scripts touch only these three, under their lab names.
/// </summary>
public static class LabNodes
{
    public static IReadOnlyList<string> Names { get; } = ["master", "worker-1", "worker-2"];

    /// <summary>The lab nodes among <paramref name="nodes"/> (as the tests name them), in the cluster's order.</summary>
    public static IReadOnlyList<ClusterNode> Of(IEnumerable<ClusterNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return nodes.Where(n => Names.Contains(n.Name, StringComparer.Ordinal)).ToList();
    }
}
