using BashCni.Harness.Sandbox;

namespace BashCni.Harness.Kubernetes;

/// <summary>A way onto one node of a real cluster: run a script as root, copy a directory over.</summary>
public interface INodeAccess : IAsyncDisposable
{
    /// <summary>"ssh", "docker".</summary>
    string Kind { get; }

    /// <summary>The node as the cluster names it (e.g. kind-worker).</summary>
    string NodeName { get; }

    /// <summary>Runs a bash script as root on the node; never throws for a non-zero exit.</summary>
    Task<CommandResult> RunAsync(string script, CancellationToken cancellationToken = default);

    /// <summary>Replaces <paramref name="remoteDirectory"/> on the node with a copy of <paramref name="localDirectory"/>
    /// (file modes kept, so scripts stay executable).</summary>
    Task CopyDirectoryAsync(string localDirectory, string remoteDirectory, CancellationToken cancellationToken = default);
}
