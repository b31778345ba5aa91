using BashCni.Harness.Cluster;

namespace BashCni.Harness.Reachability;

/// <summary>
/// What resolving one cell of a <see cref="ProbePlan"/> looks at, besides its source and target: the expectation, the
/// deployed pods and cluster nodes by name, the lab → cluster node names (and why a lab node has none), the options and
/// the per-node outside address.
/// </summary>
internal sealed record ProbePlanContext(
    ExpectedMatrix Expected,
    IReadOnlyDictionary<string, PodState> Pods,
    IReadOnlyDictionary<string, ClusterNode> Nodes,
    IReadOnlyDictionary<string, string> NodeNames,
    IReadOnlyDictionary<string, string> NodeProblems,
    ReachabilityOptions Options,
    IReadOnlyDictionary<string, string>? OutsideByNode);

/// <summary>The source of a cell: the table's pod name, the deployed pod (null when missing) and the node it runs on.</summary>
internal sealed record ProbeSource(string Name, PodState? Pod, ClusterNode? Node);
