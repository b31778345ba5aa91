using BashCni.Harness.Sandbox;

namespace BashCni.Harness.Kubernetes;

/// <summary>Node access for kind: the node is a container; <c>docker exec</c> runs scripts (as root), <c>docker cp</c> copies.</summary>
public sealed class DockerExecNodeAccess(string nodeName, ICommandRunner runner, string docker = "docker") : INodeAccess
{
    public string Kind => "docker";

    public string NodeName { get; } = nodeName;

    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public Task<CommandResult> RunAsync(string script, CancellationToken cancellationToken = default) =>
        runner.RunAsync(docker, ["exec", NodeName, "bash", "-c", script, "bash-cni-node"],
            new CommandOptions { Timeout = CommandTimeout }, cancellationToken);

    public async Task CopyDirectoryAsync(string localDirectory, string remoteDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(localDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(remoteDirectory);
        var quoted = SshNodeAccess.ShellQuote(remoteDirectory);
        (await RunAsync($"set -euo pipefail\nrm -rf {quoted}\nmkdir -p \"$(dirname {quoted})\"\n", cancellationToken)
            .ConfigureAwait(false)).EnsureSuccess();
        // docker cp creates the target as a copy of the source directory when the target does not exist.
        await runner.RunCheckedAsync(docker, ["cp", Path.GetFullPath(localDirectory), $"{NodeName}:{remoteDirectory}"],
            new CommandOptions { Timeout = CommandTimeout }, cancellationToken).ConfigureAwait(false);
        (await RunAsync($"chown -R root:root {quoted}\n", cancellationToken).ConfigureAwait(false)).EnsureSuccess();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
