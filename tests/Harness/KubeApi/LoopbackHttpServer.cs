using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace BashCni.Harness.KubeApi;

/// <summary>
/// HTTP/1.1 on 127.0.0.1, on a socket that binds port 0 itself and keeps it: <see cref="Port"/> is the kernel's
/// answer to this socket's own bind, so servers started side by side never share a port. (HttpListener must be told
/// a port number and refuses 0; learning a free number from a probe socket closed before it binds leaves a window
/// in which any other bind can take it: "Address already in use".) Requests of one connection are served one after
/// another; connections are served concurrently, as kube-apiserver does. A handler answers with
/// <see cref="LoopbackHttpContext.RespondAsync"/> or takes the connection over with
/// <see cref="LoopbackHttpContext.AcceptWebSocketAsync"/>.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<LoopbackHttpContext, Task> _handle;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, Task> _connections = new();
    private readonly Task _accept;

    public LoopbackHttpServer(Func<LoopbackHttpContext, Task> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        _handle = handle;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = AcceptAsync();
    }

    /// <summary>The port this server's socket was bound to (never 0).</summary>
    public int Port { get; }

    /// <summary>Exceptions handlers threw (request line, exception): each was answered 500 unless it came after the answer.</summary>
    public ConcurrentQueue<(string Request, Exception Error)> HandlerFailures { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var served = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[socket] = served.Task;
            _ = Task.Run(async () =>
            {
                try
                {
                    await ServeConnectionAsync(socket).ConfigureAwait(false);
                }
                finally
                {
                    _connections.TryRemove(socket, out _);
                    socket.Dispose();
                    served.SetResult();
                }
            });
        }
    }

    private async Task ServeConnectionAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new HttpRequestReader(stream);
        while (!_stop.IsCancellationRequested)
        {
            HttpRequestHead? head;
            string body;
            try
            {
                head = await reader.ReadHeadAsync(_stop.Token).ConfigureAwait(false);
                if (head is null) return; // the client closed the connection between requests
                body = await reader.ReadBodyAsync(head, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (HttpRequestFormatException e)
            {
                await TryAnswerAsync(new LoopbackHttpContext(this, stream, reader, HttpRequestHead.Unreadable, ""), 400, e.Message).ConfigureAwait(false);
                return;
            }
            var context = new LoopbackHttpContext(this, stream, reader, head, body);
            try
            {
                await _handle(context).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // A handler that failed: a 500 naming why if it had not answered yet, never a connection left hanging;
                // the failure is kept for the owner to read.
                HandlerFailures.Enqueue((head.Method + " " + head.Target, e));
                if (!context.Answered)
                    await TryAnswerAsync(context, 500, $"the server failed to answer {head.Method} {head.Target}: {e}").ConfigureAwait(false);
                return;
            }
            if (!context.Answered || context.Upgraded || head.CloseAfter) return;
        }
    }

    private static async Task TryAnswerAsync(LoopbackHttpContext context, int code, string message)
    {
        try
        {
            await context.RespondAsync(code, "text/plain; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(message)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
        {
            // the client went away, or the server is stopping
        }
    }

    internal CancellationToken Stopping => _stop.Token;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _accept.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        // Connections still open (a client's idle keep-alive, a handler still running) end when their socket closes.
        foreach (var socket in _connections.Keys)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // closed meanwhile
            }
        }
        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        _stop.Dispose();
    }
}
