using BashCni.Harness.Sandbox;

namespace BashCni.Tests.Netns.Support;

/// <summary>Reads kernel state of many pod namespaces in one process start (64 pods would otherwise cost 64 starts).</summary>
public static class Kernel
{
    private const string PodAddressesScript = """
        set -uo pipefail
        ifname=$1; shift
        for ns in "$@"; do
          printf '%s' "$ns"
          ip -n "$ns" -4 -o addr show dev "$ifname" 2>/dev/null | awk '{printf " %s", $4}'
          printf '\n'
        done
        """;

    /// <summary>Pod namespace name → IPv4 CIDRs on <paramref name="ifName"/> there (empty when the interface is missing).</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> PodAddressesAsync(ICommandRunner runner,
        IEnumerable<NetworkNamespace> pods, string ifName = "eth0")
    {
        ArgumentNullException.ThrowIfNull(runner);
        var r = await runner.RunCheckedAsync("bash", ["-c", PodAddressesScript, "addrs", ifName, .. pods.Select(p => p.Name)]).ConfigureAwait(false);
        var map = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var line in r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            map[parts[0]] = parts.Skip(1).ToList();
        }
        return map;
    }

    /// <summary>Creates <paramref name="count"/> pods on the node, a few at a time.</summary>
    public static async Task<IReadOnlyList<PodNamespace>> CreatePodsAsync(NodeNamespace node, int count, string prefix = "pod")
    {
        ArgumentNullException.ThrowIfNull(node);
        using var gate = new SemaphoreSlim(8);
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync().ConfigureAwait(false);
            try { return await node.CreatePodAsync($"{prefix}-{i}").ConfigureAwait(false); }
            finally { gate.Release(); }
        }).ToList();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }
}
