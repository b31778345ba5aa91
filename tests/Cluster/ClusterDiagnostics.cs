using BashCni.Harness.Cluster;
using BashCni.Harness.Reporting;

namespace BashCni.Tests.Cluster;

/// <summary>Collects every node's diagnostics and attaches them to the current test (and prints a short summary).</summary>
public static class ClusterDiagnostics
{
    public static async Task WriteAsync(ICluster cluster, string why)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var collected = await Task.WhenAll(cluster.Nodes.Select(async node =>
        {
            try
            {
                return (node, sections: await cluster.CollectDiagnosticsAsync(node.Name).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return (node, sections: (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["error"] = e.Message });
            }
        })).ConfigureAwait(false);
        foreach (var (node, sections) in collected)
        {
            var text = string.Join("\n\n", sections.Select(s => $"===== {s.Key}\n{s.Value.TrimEnd()}"));
            Evidence.Attach($"diagnostics {node.Name}", text);
            await TestContext.Progress.WriteLineAsync($"--- diagnostics of node {node.Name} ({why})\n{text}").ConfigureAwait(false);
        }
    }
}
