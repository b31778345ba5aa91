using BashCni.Harness.Kubernetes;
using BashCni.Harness.Sandbox;

namespace BashCni.Harness.KubeApi;

/// <summary>
/// The node access of a node outside the lab's node map on the <c>local-api</c> target (an API-only node: no machine
/// behind it answers SSH). Nothing of the harness may need it: any use throws, naming the node.
/// </summary>
public sealed class OffMapNodeAccess(string nodeName, string address) : INodeAccess
{
    public string Kind => "ssh";

    public string NodeName { get; } = nodeName;

    public Task<CommandResult> RunAsync(string script, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException($"node {NodeName} ({address}) is not one of the lab's nodes and answers no SSH: nothing may run on it");

    public Task CopyDirectoryAsync(string localDirectory, string remoteDirectory, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException($"node {NodeName} ({address}) is not one of the lab's nodes and answers no SSH: nothing may be copied to it");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
