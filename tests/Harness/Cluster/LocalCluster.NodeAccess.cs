using BashCni.Harness.Sandbox;

namespace BashCni.Harness.Cluster;

/// <summary>The local cluster's nodes by name, and commands run on them over SSH.</summary>
public sealed partial class LocalCluster
{
    public LocalNode NodeOf(string nodeName) =>
        _nodes.TryGetValue(nodeName, out var node) ? node
            : throw new ArgumentException($"no node '{nodeName}' in the local cluster (nodes: {string.Join(", ", _nodes.Keys)})", nameof(nodeName));

    public Task<CommandResult> RunOnNodeAsync(string nodeName, string script, CancellationToken cancellationToken = default) =>
        NodeOf(nodeName).RequireShell().RunAsync(script, cancellationToken: cancellationToken);
}
