using BashCni.Harness.Kubernetes;
using BashCni.Harness.Sandbox;

namespace BashCni.Tests.Unit.Infra;

/// <summary>
/// Node access onto a <see cref="FakeKubernetesApi"/> node: answers the harness's node queries it knows (by their
/// first line) from the double's node side, each query being one kubelet sync; any other script is refused (exit 2),
/// so a test cannot pass on a script nobody ran.
/// </summary>
internal sealed class FakeNodeAccess(FakeKubernetesApi api, string clusterNodeName) : INodeAccess
{
    public string Kind => "fake";

    public string NodeName { get; } = clusterNodeName;

    public List<string> Scripts { get; } = [];

    /// <summary>Answers scripts the double does not know itself (null: refused as unknown), e.g. the pre-flight's.</summary>
    public Func<string, CommandResult?> OnScript { get; set; } = _ => null;

    /// <summary>Whether <see cref="CopyDirectoryAsync"/> records the copy (in <see cref="Copies"/>) instead of refusing it.</summary>
    public bool AcceptCopies { get; set; }

    /// <summary>Directory copies made to the node: (local, remote).</summary>
    public List<(string Local, string Remote)> Copies { get; } = [];

    public Task<CommandResult> RunAsync(string script, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        lock (Scripts) Scripts.Add(script);
        var first = script.Split('\n', 2)[0];
        if (first.StartsWith(PodNodeState.Marker, StringComparison.Ordinal))
        {
            var args = first[PodNodeState.Marker.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return Task.FromResult(new CommandResult("pod-node-state", 0, api.AnswerPodNodeStateQuery(NodeName, args[0], args[1]), "", TimeSpan.Zero));
        }
        if (OnScript(script) is { } answer) return Task.FromResult(answer);
        return Task.FromResult(new CommandResult("bash -c …", 2, "", $"the node double does not know this script:\n{first}", TimeSpan.Zero));
    }

    public Task CopyDirectoryAsync(string localDirectory, string remoteDirectory, CancellationToken cancellationToken = default)
    {
        if (!AcceptCopies) throw new NotSupportedException("the node double copies nothing");
        lock (Scripts) Copies.Add((localDirectory, remoteDirectory));
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
