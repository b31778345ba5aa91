using BashCni.Harness.Cluster;
using BashCni.Harness.Reporting;

namespace BashCni.Tests.Cluster;

/// <summary>Collects every node's diagnostics and attaches them to the current test (and prints a short summary).</summary>
public static class ClusterDiagnostics
{
    public static async Task WriteAsync(ICluster cluster, string why)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        foreach (var node in cluster.Nodes)
        {
            IReadOnlyDictionary<string, string> sections;
            try
            {
                sections = await cluster.CollectDiagnosticsAsync(node.Name).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                sections = new Dictionary<string, string> { ["error"] = e.Message };
            }
            var text = string.Join("\n\n", sections.Select(s => $"===== {s.Key}\n{s.Value.TrimEnd()}"));
            Evidence.Attach($"diagnostics {node.Name}", text);
            await TestContext.Progress.WriteLineAsync($"--- diagnostics of node {node.Name} ({why})\n{text}").ConfigureAwait(false);
        }
    }
}
