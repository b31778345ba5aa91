namespace BashCni.Harness.Kubernetes;

/// <summary>
/// Maps the lab's node names (master, worker-1, worker-2 — used by fixtures/deploy.yaml and the tests) onto a
/// cluster's node names (kind-control-plane, kind-worker, …) and back. Names not in the map stand for themselves.
/// </summary>
public sealed class NodeNameMap
{
    private readonly Dictionary<string, string> _toCluster;
    private readonly Dictionary<string, string> _toLab;

    public NodeNameMap(IEnumerable<KeyValuePair<string, string>> labToCluster)
    {
        ArgumentNullException.ThrowIfNull(labToCluster);
        _toCluster = new Dictionary<string, string>(StringComparer.Ordinal);
        _toLab = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (lab, cluster) in labToCluster)
        {
            if (!_toCluster.TryAdd(lab, cluster))
                throw new FormatException($"node map names lab node '{lab}' twice");
            if (!_toLab.TryAdd(cluster, lab))
                throw new FormatException($"node map names cluster node '{cluster}' twice");
        }
    }

    /// <summary>The identity map.</summary>
    public static NodeNameMap Identity { get; } = new([]);

    /// <summary>kind's node names for a cluster named "kind" with one control plane and two workers.</summary>
    public static NodeNameMap Kind { get; } = new(new Dictionary<string, string>
    {
        ["master"] = "kind-control-plane",
        ["worker-1"] = "kind-worker",
        ["worker-2"] = "kind-worker2",
    });

    /// <summary>Lab name → cluster name pairs.</summary>
    public IReadOnlyDictionary<string, string> Pairs => _toCluster;

    /// <summary>Parses <c>worker-1=kind-worker,worker-2=kind-worker2,master=kind-control-plane</c> (spaces allowed).</summary>
    public static NodeNameMap Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var item in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == item.Length - 1)
                throw new FormatException($"node map entry '{item}' is not of the form labName=clusterName");
            pairs.Add(new(item[..eq].Trim(), item[(eq + 1)..].Trim()));
        }
        return new NodeNameMap(pairs);
    }

    public string ToCluster(string labName) => _toCluster.TryGetValue(labName, out var name) ? name : labName;

    public string ToLab(string clusterName) => _toLab.TryGetValue(clusterName, out var name) ? name : clusterName;

    public override string ToString() => string.Join(',', _toCluster.Select(p => $"{p.Key}={p.Value}"));
}
