using System.Diagnostics;
using BashCni.Harness.Sandbox;
using Renci.SshNet;

namespace BashCni.Harness.Cluster;

/// <summary>Root shell on a node over SSH (SSH.NET): one connection, a channel per command.</summary>
public sealed class NodeShell : IAsyncDisposable
{
    private readonly SshClient _client;

    private NodeShell(SshClient client, string nodeName)
    {
        _client = client;
        NodeName = nodeName;
    }

    public string NodeName { get; }

    /// <summary>
    /// Connects as <paramref name="user"/> with the private key file, trusting only the host key whose OpenSSH public
    /// key line is <paramref name="hostPublicKey"/> (the node's key made for this run).
    /// </summary>
    public static async Task<NodeShell> ConnectAsync(string nodeName, string host, int port, string user, string keyFile,
        string hostPublicKey, CancellationToken cancellationToken = default)
    {
        var fields = hostPublicKey.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2) throw new ArgumentException("not an OpenSSH public key line", nameof(hostPublicKey));
        var expected = Convert.FromBase64String(fields[1]);
        using var key = new PrivateKeyFile(keyFile);
        var client = new SshClient(host, port, user, key);
        client.ConnectionInfo.Timeout = TimeSpan.FromSeconds(10);
        client.HostKeyReceived += (_, e) => e.CanTrust = e.HostKey.AsSpan().SequenceEqual(expected);
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            client.Dispose();
            throw;
        }
        return new NodeShell(client, nodeName);
    }

    /// <summary>Runs <paramref name="script"/> with <c>bash -c</c> on the node; never throws for a non-zero exit.</summary>
    public async Task<CommandResult> RunAsync(string script, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var text = "bash -c " + ShellQuote(script);
        var limit = timeout ?? TimeSpan.FromSeconds(120);
        using var command = _client.CreateCommand(text);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        var clock = Stopwatch.StartNew();
        try
        {
            await command.ExecuteAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"ssh {NodeName}: command timed out after {limit.TotalSeconds:F0} s: {script}");
        }
        return new CommandResult($"ssh {NodeName} {text}", command.ExitStatus ?? -1, command.Result, command.Error, clock.Elapsed);
    }

    public static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public ValueTask DisposeAsync()
    {
        if (_client.IsConnected) _client.Disconnect();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
