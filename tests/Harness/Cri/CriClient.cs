using System.Net.Sockets;
using Grpc.Net.Client;
using BashCni.Harness.Cri.V1;

namespace BashCni.Harness.Cri;

/// <summary>
/// A CRI (runtime.v1) client over a runtime's unix socket, e.g. containerd's <c>containerd.sock</c>.
/// Connecting to a unix socket routes no network traffic, so the test process may use it from the root namespace
/// as long as the socket file lies outside the node's private mounts.
/// </summary>
public sealed class CriClient : IDisposable
{
    private readonly GrpcChannel _channel;

    public CriClient(string socketPath)
    {
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
        Runtime = new RuntimeService.RuntimeServiceClient(_channel);
        Images = new ImageService.ImageServiceClient(_channel);
    }

    public string SocketPath { get; }

    public RuntimeService.RuntimeServiceClient Runtime { get; }

    public ImageService.ImageServiceClient Images { get; }

    public void Dispose() => _channel.Dispose();
}
