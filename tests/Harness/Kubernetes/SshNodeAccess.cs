using System.Diagnostics;
using System.Text;
using BashCni.Harness.Sandbox;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace BashCni.Harness.Kubernetes;

/// <summary>
/// Node access over SSH (SSH.NET): scripts run as root (through <c>sudo -n</c> unless the user is root), directories
/// are copied over SFTP (SCP where the node's sshd has no SFTP subsystem). An optional bastion is used as a jump host through a local port forward. The connection is
/// opened on first use and kept until disposal.
/// </summary>
public sealed class SshNodeAccess : INodeAccess
{
    private readonly SshEndpoint _target;
    private readonly SshEndpoint? _bastion;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private SshClient? _bastionClient;
    private ForwardedPortLocal? _forward;
    private SshClient? _ssh;
    private SftpClient? _sftp;
    private bool _sftpUnavailable;
    private string _host = "";
    private int _port;

    public SshNodeAccess(string nodeName, SshEndpoint target, SshEndpoint? bastion = null)
    {
        NodeName = nodeName;
        _target = target;
        _bastion = bastion;
    }

    public string Kind => "ssh";

    public string NodeName { get; }

    /// <summary>How long one script may run (default 10 minutes).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public override string ToString() => _bastion is null ? $"ssh {_target}" : $"ssh {_target} via {_bastion}";

    /// <summary>The command line that runs <paramref name="script"/> as root for a login as <paramref name="user"/>
    /// (the script travels base64-encoded, so no quoting of its text is involved).</summary>
    public static string RootCommandLine(string script, string user)
    {
        ArgumentNullException.ThrowIfNull(script);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(script));
        var sudo = user == "root" ? "" : "sudo -n ";
        return $"{sudo}bash -c \"$(printf %s '{encoded}' | base64 -d)\" bash-cni-node";
    }

    public Task<CommandResult> RunAsync(string script, CancellationToken cancellationToken = default) =>
        ExecuteAsync(RootCommandLine(script, _target.User), $"ssh {_target.User}@{NodeName} bash -c <script:{FirstLine(script)}>", cancellationToken);

    /// <summary>Runs a command line as the login user (no sudo).</summary>
    private Task<CommandResult> RunAsUserAsync(string commandLine, CancellationToken cancellationToken) =>
        ExecuteAsync(commandLine, $"ssh {_target.User}@{NodeName} {commandLine}", cancellationToken);

    private async Task<CommandResult> ExecuteAsync(string commandLine, string shown, CancellationToken cancellationToken)
    {
        var ssh = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        using var command = ssh.CreateCommand(commandLine);
        command.CommandTimeout = CommandTimeout;
        var clock = Stopwatch.StartNew();
        await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return new CommandResult(shown, command.ExitStatus ?? 255, command.Result, command.Error, clock.Elapsed);
    }

    public async Task CopyDirectoryAsync(string localDirectory, string remoteDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(localDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(remoteDirectory);
        var staging = $"/tmp/bash-cni-upload-{Guid.NewGuid():N}";
        (await RunAsUserAsync($"mkdir -m 0700 {ShellQuote(staging)}", cancellationToken).ConfigureAwait(false)).EnsureSuccess();
        if (await SftpAsync(cancellationToken).ConfigureAwait(false) is { } sftp)
        {
            foreach (var dir in Directory.EnumerateDirectories(localDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                await sftp.CreateDirectoryAsync(Remote(staging, localDirectory, dir), cancellationToken).ConfigureAwait(false);
            foreach (var file in Directory.EnumerateFiles(localDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                await using var stream = File.OpenRead(file);
                await sftp.UploadFileAsync(stream, Remote(staging, localDirectory, file), cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            // No SFTP subsystem on this node: fall back to the SCP protocol (needs scp on the node).
            using var scp = new ScpClient(Connection(_target, _host, _port), RemotePathTransformation.ShellQuote);
            await scp.ConnectAsync(cancellationToken).ConfigureAwait(false);
            await Task.Run(() => scp.Upload(new DirectoryInfo(localDirectory), staging), cancellationToken).ConfigureAwait(false);
        }

        var modes = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(localDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var mode = OperatingSystem.IsWindows() ? "644" : Convert.ToString((int)File.GetUnixFileMode(file) & 0x1ff, 8);
            modes.Append(FormattableString.Invariant($"chmod {mode} {ShellQuote(Remote(staging, localDirectory, file))}\n"));
        }
        var place = $"""
            set -euo pipefail
            {modes}
            rm -rf {ShellQuote(remoteDirectory)}
            mkdir -p "$(dirname {ShellQuote(remoteDirectory)})"
            mv {ShellQuote(staging)} {ShellQuote(remoteDirectory)}
            chmod 0755 {ShellQuote(remoteDirectory)}
            chown -R root:root {ShellQuote(remoteDirectory)}
            """;
        (await RunAsync(place, cancellationToken).ConfigureAwait(false)).EnsureSuccess();
    }

    public async ValueTask DisposeAsync()
    {
        await _connectGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _sftp?.Dispose();
            _ssh?.Dispose();
            if (_forward is { IsStarted: true }) _forward.Stop();
            _forward?.Dispose();
            _bastionClient?.Dispose();
            _sftp = null;
            _ssh = null;
            _forward = null;
            _bastionClient = null;
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private async Task<SshClient> ConnectAsync(CancellationToken cancellationToken)
    {
        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ssh is { IsConnected: true }) return _ssh;
            var (host, port) = (_target.Host, _target.Port);
            if (_bastion is not null && _forward is null)
            {
                _bastionClient = new SshClient(Connection(_bastion, _bastion.Host, _bastion.Port));
                await _bastionClient.ConnectAsync(cancellationToken).ConfigureAwait(false);
                _forward = new ForwardedPortLocal("127.0.0.1", _target.Host, (uint)_target.Port);
                _bastionClient.AddForwardedPort(_forward);
                _forward.Start();
            }
            if (_forward is not null) (host, port) = ("127.0.0.1", (int)_forward.BoundPort);
            (_host, _port) = (host, port);

            _ssh?.Dispose();
            _ssh = new SshClient(Connection(_target, host, port));
            await _ssh.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return _ssh;
        }
        finally
        {
            _connectGate.Release();
        }
    }

    /// <summary>The SFTP session (opened on first use), or null when the node's sshd offers no SFTP subsystem.</summary>
    private async Task<SftpClient?> SftpAsync(CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_sftpUnavailable) return null;
            if (_sftp is { IsConnected: true }) return _sftp;
            _sftp?.Dispose();
            _sftp = new SftpClient(Connection(_target, _host, _port));
            try
            {
                await _sftp.ConnectAsync(cancellationToken).ConfigureAwait(false);
                return _sftp;
            }
            catch (SshException e) when (e.Message.Contains("sftp", StringComparison.OrdinalIgnoreCase))
            {
                _sftp.Dispose();
                _sftp = null;
                _sftpUnavailable = true;
                return null;
            }
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private static ConnectionInfo Connection(SshEndpoint who, string host, int port)
    {
        var key = new PrivateKeyFile(who.KeyPath);
        return new ConnectionInfo(host, port, who.User, new PrivateKeyAuthenticationMethod(who.User, key))
        {
            Timeout = TimeSpan.FromSeconds(20),
        };
    }

    private static string Remote(string root, string localRoot, string path) =>
        root + "/" + Path.GetRelativePath(localRoot, path).Replace(Path.DirectorySeparatorChar, '/');

    internal static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string FirstLine(string script)
    {
        var first = script.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(l => !l.StartsWith("set ", StringComparison.Ordinal) && !l.StartsWith('#')) ?? "";
        return first.Length > 60 ? first[..60] + "…" : first;
    }
}
