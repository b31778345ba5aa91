using System.Net;

namespace BashCni.Harness.Reachability;

/// <summary>How targets are resolved and probes are run. <see cref="FromEnvironment"/> reads the run's settings.</summary>
public sealed record ReachabilityOptions
{
    /// <summary>The outside host of the embedded local cluster (TEST-NET-2, inside the sandbox).</summary>
    public const string LocalOutsideHost = "198.51.100.1";

    /// <summary><see cref="OutsideHost"/> value meaning "the default gateway of the source pod's node".</summary>
    public const string NodeGateway = "node-gateway";

    /// <summary>Environment variable overriding <see cref="OutsideHost"/>: an IPv4 address or <c>node-gateway</c>.</summary>
    public const string OutsideHostVariable = HarnessEnvironment.Prefix + OutsideHostSetting;

    /// <summary><see cref="OutsideHostVariable"/> without <see cref="HarnessEnvironment.Prefix"/>.</summary>
    public const string OutsideHostSetting = "OUTSIDE_HOST";

    /// <summary>Environment variable with lab-to-cluster node names: <c>master=kind-control-plane,worker-1=kind-worker,…</c>.</summary>
    public const string NodeMapVariable = HarnessEnvironment.Prefix + NodeMapSetting;

    /// <summary><see cref="NodeMapVariable"/> without <see cref="HarnessEnvironment.Prefix"/>.</summary>
    public const string NodeMapSetting = "NODE_MAP";

    /// <summary>The cluster's pod network (FORWARD accepts, MASQUERADE exclusion).</summary>
    public string PodNetwork { get; init; } = "10.244.0.0/16";

    /// <summary>
    /// The <c>outside</c> target: an IPv4 address, or <see cref="NodeGateway"/>; null = the cluster's
    /// <c>OutsideAddress</c>, else by cluster kind (<see cref="LocalOutsideHost"/> on the local cluster, the node's
    /// default gateway elsewhere — a host the runner reaches, e.g. the docker network gateway of kind nodes).
    /// </summary>
    public string? OutsideHost { get; init; }

    /// <summary>Lab node name (as in the expectation files) → the cluster's node name. Empty: same names, else by position.</summary>
    public IReadOnlyDictionary<string, string> NodeAliases { get; init; } = new Dictionary<string, string>();

    /// <summary>Port of the HTTP targets.</summary>
    public int HttpPort { get; init; } = 80;

    /// <summary>Probes running at the same time.</summary>
    public int MaxConcurrency { get; init; } = 8;

    /// <summary>Attempts in the second pass for each cell that differed from the expectation in the first (0 = no second pass).</summary>
    public int SecondPassAttempts { get; init; } = 3;

    /// <summary>Wait between second-pass attempts.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest one probe exec may take before it counts as a failed probe.</summary>
    public TimeSpan ExecTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The defaults, with <c>BASHCNI_OUTSIDE_HOST</c> and <c>BASHCNI_NODE_MAP</c> applied when set.</summary>
    public static ReachabilityOptions FromEnvironment() => FromValues(
        HarnessEnvironment.Get(OutsideHostSetting), HarnessEnvironment.Get(NodeMapSetting));

    /// <summary>Applies the two settings as <see cref="FromEnvironment"/> does (for callers holding them elsewhere).</summary>
    public static ReachabilityOptions FromValues(string? outsideHost, string? nodeMap)
    {
        var options = new ReachabilityOptions();
        if (!string.IsNullOrWhiteSpace(outsideHost))
        {
            var value = outsideHost.Trim();
            if (value != NodeGateway && !(IPAddress.TryParse(value, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork))
                throw new ArgumentException($"{OutsideHostVariable}='{value}' is neither an IPv4 address nor '{NodeGateway}'");
            options = options with { OutsideHost = value };
        }
        if (!string.IsNullOrWhiteSpace(nodeMap))
            options = options with { NodeAliases = ParseNodeMap(nodeMap) };
        return options;
    }

    /// <summary>Parses <c>lab=cluster[,lab=cluster…]</c>.</summary>
    public static IReadOnlyDictionary<string, string> ParseNodeMap(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new ArgumentException($"{NodeMapVariable}: '{pair}' is not lab-name=cluster-name (e.g. worker-1=kind-worker)");
            if (!map.TryAdd(parts[0], parts[1]))
                throw new ArgumentException($"{NodeMapVariable}: '{parts[0]}' is mapped twice");
        }
        return map;
    }
}
