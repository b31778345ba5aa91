using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CliWrap;

namespace BashCni.Harness.Cluster;

/// <summary>
/// A TCP relay on 127.0.0.1 whose far end runs inside a sandbox network namespace: each accepted connection is
/// piped through <c>nsenter --net=/proc/PID/ns/net socat STDIO TCP:ADDRESS:PORT</c>. The test process thus reaches
/// a sandbox address (a node's sshd) without ever routing to it itself.
/// </summary>
public sealed class NodeRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly List<Task> _connections = [];
    private readonly Lock _gate = new();

    private NodeRelay(int netnsPid, string address, int port)
    {
        NetNsPid = netnsPid;
        Target = $"{address}:{port.ToString(CultureInfo.InvariantCulture)}";
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        LocalPort = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Port on 127.0.0.1 to connect to.</summary>
    public int LocalPort { get; }

    /// <summary>PID of a process in the namespace the far end runs in.</summary>
    public int NetNsPid { get; }

    /// <summary>Address and port the far end connects to inside that namespace.</summary>
    public string Target { get; }

    public static NodeRelay Start(int netnsPid, string address, int port) => new(netnsPid, address, port);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            lock (_gate)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(PipeAsync(client));
            }
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                await Cli.Wrap("nsenter")
                    .WithArguments(["--net=/proc/" + NetNsPid.ToString(CultureInfo.InvariantCulture) + "/ns/net", "socat", "STDIO", "TCP:" + Target])
                    .WithStandardInputPipe(PipeSource.FromStream(stream))
                    .WithStandardOutputPipe(PipeTarget.ToStream(stream))
                    .WithValidation(CommandResultValidation.None)
                    .ExecuteAsync(_stop.Token)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The client went away or the relay is closing: the connection simply ends.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Task[] pending;
        lock (_gate) pending = [_acceptLoop, .. _connections];
        await Task.WhenAll(pending).ConfigureAwait(false);
        _stop.Dispose();
    }
}
