using System.Text;
using System.Text.RegularExpressions;
using BashCni.Harness.Cluster;
using BashCni.Harness.Reporting;

namespace BashCni.Harness.Reachability;

/// <summary>
/// An expectation resolved against a cluster: for every source pod and target, the address and command, or why the
/// cell is not applicable (a pod and itself, a pod and its own node's address) or cannot be probed.
/// </summary>
public sealed partial class ProbePlan
{
    private ProbePlan(string stage, ReachabilityMatrix expected, IReadOnlyList<PlannedProbe> probes, ReachabilityOptions options,
        IReadOnlyDictionary<string, string> nodeNames, IReadOnlyList<string> notes)
    {
        Stage = stage;
        Expected = expected;
        Probes = probes;
        Options = options;
        NodeNames = nodeNames;
        Notes = notes;
    }

    public string Stage { get; }

    /// <summary>The expectation with not-applicable cells marked <see cref="Reach.NotApplicable"/>.</summary>
    public ReachabilityMatrix Expected { get; }

    /// <summary>Every applicable cell, row by row.</summary>
    public IReadOnlyList<PlannedProbe> Probes { get; }

    public ReachabilityOptions Options { get; }

    /// <summary>Lab node name → cluster node name, as resolved.</summary>
    public IReadOnlyDictionary<string, string> NodeNames { get; }

    /// <summary>How names were resolved and why cells were left out (for the report).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Why an expected "no" may be not reached (the expectation's <see cref="ExpectedMatrix.NoReasons"/>).</summary>
    public IReadOnlySet<ProbeReason> NoReasons { get; private init; } = ExpectedMatrix.DefaultNoReasons;

    /// <summary>
    /// Resolves the expectation against the cluster's nodes and the pods. <paramref name="outsideByNode"/> gives the
    /// <c>outside</c> address per cluster node (used when <see cref="ReachabilityOptions.OutsideHost"/> is
    /// <see cref="ReachabilityOptions.NodeGateway"/>); otherwise OutsideHost must be an address.
    /// </summary>
    public static ProbePlan Create(ExpectedMatrix expected, IReadOnlyList<ClusterNode> nodes, IReadOnlyList<PodState> pods,
        ReachabilityOptions? options = null, IReadOnlyDictionary<string, string>? outsideByNode = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(pods);
        options ??= new ReachabilityOptions();
        var notes = new List<string>();
        var nodeNames = MapNodes(expected.Nodes, nodes, options.NodeAliases, notes, out var nodeProblems);
        var nodesByName = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var podsByName = new Dictionary<string, PodState>(StringComparer.Ordinal);
        foreach (var pod in pods) podsByName[pod.Name] = pod;

        var context = new ProbePlanContext(expected, podsByName, nodesByName, nodeNames, nodeProblems, options, outsideByNode);
        var plannedExpected = expected.Matrix.Clone();
        var probes = new List<PlannedProbe>();
        foreach (var source in expected.Sources)
        {
            podsByName.TryGetValue(source, out var sourcePod);
            var probeSource = new ProbeSource(source, sourcePod, sourcePod is null ? null : nodesByName.GetValueOrDefault(sourcePod.Node));
            foreach (var target in expected.Targets)
            {
                var want = expected.Matrix[source, target.Text];
                var resolution = Resolve(probeSource, target, context);
                if (resolution.NotApplicable is { } why)
                {
                    plannedExpected[source, target.Text] = Reach.NotApplicable;
                    notes.Add($"{source} -> {target.Text}: not probed ({why})");
                    continue;
                }
                probes.Add(resolution.Problem is { } problem
                    ? new PlannedProbe(source, target, want, resolution.Address, [], problem)
                    : new PlannedProbe(source, target, want, resolution.Address,
                        target.Protocol == ProbeProtocol.Http ? ProbeCommands.Http(resolution.Address!) : ProbeCommands.Icmp(resolution.Address!)));
            }
        }
        probes = probes.Select(p => p with { NoReasons = expected.NoReasons }).ToList();
        return new ProbePlan(expected.Stage, plannedExpected, probes, options, nodeNames, notes) { NoReasons = expected.NoReasons };
    }

    /// <summary>
    /// <see cref="Create"/> with the cluster's nodes; the outside host is, unless the options name one, the cluster's
    /// <see cref="ICluster.OutsideAddress"/>, else 198.51.100.1 on the local cluster and each node's default gateway
    /// elsewhere; and, when needed, the nodes' default gateways looked up over
    /// <see cref="ICluster.RunOnNodeAsync"/>.
    /// </summary>
    public static async Task<ProbePlan> CreateAsync(ICluster cluster, ExpectedMatrix expected, IReadOnlyList<PodState> pods,
        ReachabilityOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(pods);
        options ??= ReachabilityOptions.FromEnvironment();
        if (options.OutsideHost is null)
            options = options with
            {
                OutsideHost = cluster.OutsideAddress
                              ?? (cluster.Kind == "local" ? ReachabilityOptions.LocalOutsideHost : ReachabilityOptions.NodeGateway),
            };
        Dictionary<string, string>? outsideByNode = null;
        if (options.OutsideHost == ReachabilityOptions.NodeGateway && expected.Targets.Any(t => t.Kind == TargetKind.Outside))
        {
            outsideByNode = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var node in pods.Select(p => p.Node).Distinct(StringComparer.Ordinal).Where(n => cluster.Nodes.Any(c => c.Name == n)))
            {
                var result = await cluster.RunOnNodeAsync(node, "ip -4 route show default", cancellationToken).ConfigureAwait(false);
                Evidence.Attach($"default route of {node}", result.ToString());
                if (result.Succeeded && ParseDefaultGateway(result.Stdout) is { } gateway)
                    outsideByNode[node] = gateway;
            }
        }
        return Create(expected, cluster.Nodes, pods, options, outsideByNode);
    }

    /// <summary>The gateway of the first <c>default via X</c> line of <c>ip -4 route show default</c>, or null.</summary>
    public static string? ParseDefaultGateway(string ipRouteOutput)
    {
        ArgumentNullException.ThrowIfNull(ipRouteOutput);
        var match = DefaultViaPattern().Match(ipRouteOutput);
        return match.Success && System.Net.IPAddress.TryParse(match.Groups[1].Value, out _) ? match.Groups[1].Value : null;
    }

    /// <summary>The same plan expecting <paramref name="expected"/> in one probed cell (a deliberately wrong expectation).</summary>
    public ProbePlan WithExpected(string source, string target, Reach expected)
    {
        if (!Probes.Any(p => p.Source == source && p.Target.Text == target))
            throw new KeyNotFoundException($"the plan probes no cell {source} -> {target}");
        var matrix = Expected.Clone();
        matrix[source, target] = expected;
        var probes = Probes.Select(p => p.Source == source && p.Target.Text == target ? p with { Expected = expected } : p).ToList();
        return new ProbePlan(Stage, matrix, probes, Options, NodeNames, Notes) { NoReasons = NoReasons };
    }

    /// <summary>One line per cell: source, target, address, command or problem; then the notes.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append("probe plan for stage ").Append(Stage).Append('\n');
        foreach (var probe in Probes)
        {
            text.Append("  ").Append(probe.Source).Append(" -> ").Append(probe.Target.Text);
            if (probe.Address is not null) text.Append(" (").Append(probe.Address).Append(')');
            text.Append(": ").Append(probe.Problem is null ? probe.Display : "cannot probe: " + probe.Problem);
            text.Append(", expected ").Append(probe.Expected.Symbol()).Append('\n');
        }
        foreach (var note in Notes) text.Append("  ").Append(note).Append('\n');
        if (Probes.Any(p => p.Protocol == ProbeProtocol.Http))
            text.Append("HTTP probes run: sh -c '").Append(ProbeCommands.HttpScript).Append("' http-probe <url>\n");
        return text.ToString();
    }

    private sealed record Resolution(string? Address, string? Problem = null, string? NotApplicable = null)
    {
        public static Resolution Cannot(string problem) => new(null, problem);

        public static Resolution Skip(string why) => new(null, null, why);
    }

    private static Resolution Resolve(ProbeSource probeSource, ProbeTarget target, ProbePlanContext context)
    {
        var (source, sourcePod, sourceNode) = probeSource;
        var (expected, pods, nodes, nodeNames, nodeProblems, options, outsideByNode) = context;
        if (sourcePod is null)
            return Resolution.Cannot($"source pod {source} is not among the deployed pods");
        if (sourceNode is null && target.Kind is not (TargetKind.Pod or TargetKind.Http))
            return Resolution.Cannot($"source pod {source} runs on '{sourcePod.Node}', which is not a node of the cluster");

        switch (target.Kind)
        {
            case TargetKind.OwnBridge:
                try
                {
                    return new Resolution(Ipv4.FirstHost(Ipv4.Network(sourceNode!.PodCidr, $"podCIDR of node {sourceNode.Name}")).ToString());
                }
                catch (ArgumentException e)
                {
                    return Resolution.Cannot(e.Message);
                }

            case TargetKind.SameNodePod:
                var neighbour = expected.Sources.FirstOrDefault(other => other != source
                    && pods.TryGetValue(other, out var p) && p.Node == sourcePod.Node);
                return neighbour is null
                    ? Resolution.Skip($"no other pod of this table runs on {sourcePod.Node}")
                    : PodAddress(pods[neighbour], ip => ip);

            case TargetKind.Pod:
                if (target.Name == source) return Resolution.Skip("the source itself");
                return pods.TryGetValue(target.Name!, out var pod)
                    ? PodAddress(pod, ip => ip)
                    : Resolution.Cannot($"pod {target.Name} is not among the deployed pods");

            case TargetKind.Http:
                if (target.Name == source) return Resolution.Skip("the source itself");
                return pods.TryGetValue(target.Name!, out var server)
                    ? PodAddress(server, ip => $"http://{ip}:{options.HttpPort}/")
                    : Resolution.Cannot($"pod {target.Name} is not among the deployed pods");

            case TargetKind.Node:
                if (!nodeNames.TryGetValue(target.Name!, out var clusterName))
                    return Resolution.Cannot(nodeProblems.GetValueOrDefault(target.Name!) ?? $"node {target.Name} has no counterpart in the cluster");
                if (clusterName == sourceNode!.Name) return Resolution.Skip("the source's own node");
                var node = nodes[clusterName];
                try
                {
                    return new Resolution(Ipv4.Address(node.Address, $"address of node {node.Name}").ToString());
                }
                catch (ArgumentException e)
                {
                    return Resolution.Cannot(e.Message);
                }

            case TargetKind.Outside:
                if (outsideByNode is not null && outsideByNode.TryGetValue(sourceNode!.Name, out var perNode))
                    return new Resolution(perNode);
                if (options.OutsideHost is null)
                    return Resolution.Cannot($"no outside host configured: set {ReachabilityOptions.OutsideHostVariable} (an IPv4 address or '{ReachabilityOptions.NodeGateway}')");
                if (options.OutsideHost == ReachabilityOptions.NodeGateway)
                    return Resolution.Cannot($"no default gateway found on node {sourceNode!.Name}: set {ReachabilityOptions.OutsideHostVariable} to an IPv4 address");
                try
                {
                    return new Resolution(Ipv4.Address(options.OutsideHost, "outside host").ToString());
                }
                catch (ArgumentException e)
                {
                    return Resolution.Cannot(e.Message);
                }

            default:
                throw new InvalidOperationException($"unknown target kind {target.Kind}");
        }
    }

    private static Resolution PodAddress(PodState pod, Func<string, string> format)
    {
        if (string.IsNullOrWhiteSpace(pod.Ip))
            return Resolution.Cannot($"pod {pod.Name} has no IP (phase {pod.Phase})");
        try
        {
            return new Resolution(format(Ipv4.Address(pod.Ip, $"IP of pod {pod.Name}").ToString()));
        }
        catch (ArgumentException e)
        {
            return Resolution.Cannot(e.Message);
        }
    }

    /// <summary>
    /// Lab node names → cluster node names: explicit aliases first, then equal names; when no lab name matches any
    /// cluster node and no alias is given, by position (lab order against the cluster's node order) — noted.
    /// </summary>
    private static Dictionary<string, string> MapNodes(IReadOnlyList<string> labNodes, IReadOnlyList<ClusterNode> nodes,
        IReadOnlyDictionary<string, string> aliases, List<string> notes, out Dictionary<string, string> problems)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        problems = found;
        var clusterNames = nodes.Select(n => n.Name).ToList();
        foreach (var (lab, cluster) in aliases)
        {
            if (clusterNames.Contains(cluster, StringComparer.Ordinal)) map[lab] = cluster;
            // A backend that already applied the map reports lab names: the alias is satisfied as it is.
            else if (clusterNames.Contains(lab, StringComparer.Ordinal)) map[lab] = lab;
            else problems[lab] = $"node alias {lab}={cluster}: the cluster has no node '{cluster}' (nodes: {string.Join(", ", clusterNames)})";
        }
        foreach (var lab in labNodes.Where(l => !map.ContainsKey(l) && !found.ContainsKey(l)))
            if (clusterNames.Contains(lab, StringComparer.Ordinal)) map[lab] = lab;

        var unmapped = labNodes.Where(l => !map.ContainsKey(l) && !found.ContainsKey(l)).ToList();
        if (unmapped.Count == 0) return map;
        if (map.Count == 0 && aliases.Count == 0 && labNodes.Count == clusterNames.Count)
        {
            for (var i = 0; i < labNodes.Count; i++)
            {
                map[labNodes[i]] = clusterNames[i];
                notes.Add($"node {labNodes[i]} is the cluster's {clusterNames[i]} (by position; set {ReachabilityOptions.NodeMapVariable} to name them)");
            }
            return map;
        }
        foreach (var lab in unmapped)
            problems[lab] = $"node {lab} has no counterpart in the cluster (nodes: {string.Join(", ", clusterNames)}); " +
                            $"set {ReachabilityOptions.NodeMapVariable} (e.g. {lab}=<cluster node name>)";
        return map;
    }

    [GeneratedRegex(@"^default\s+via\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex DefaultViaPattern();
}
