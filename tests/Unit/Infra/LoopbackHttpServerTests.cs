using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Infra;

/// <summary>
/// The HTTP server under the API double: each server holds the port its own socket was given (servers started side by
/// side, as parallel fixtures start them, never share one), requests of one connection are answered in order (keep-alive,
/// Content-Length and chunked bodies), a failing handler is a 500 naming the failure, and the WebSocket handshake
/// accepts only a subprotocol the client offered.
/// </summary>
[TestFixture]
[Category("Unit")]
[Category(BashCni.Harness.Layers.QuickRun.Category)]
public sealed class LoopbackHttpServerTests
{
    private static Task EchoAsync(LoopbackHttpContext context) =>
        context.RespondAsync(200, "text/plain", Encoding.UTF8.GetBytes($"{context.HttpMethod} {context.Url.PathAndQuery} [{context.Body}]"));

    [Test]
    public async Task ServersStartedTogetherEachAnswerOnTheirOwnPort()
    {
        const int Count = 24;
        var servers = await Task.WhenAll(Enumerable.Range(0, Count).Select(i => Task.Run(() =>
            new LoopbackHttpServer(c => c.RespondAsync(200, "text/plain", Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture)))))));
        try
        {
            Assert.That(servers.Select(s => s.Port).Distinct().Count(), Is.EqualTo(Count), "ports: " + string.Join(",", servers.Select(s => s.Port)));
            using var client = new HttpClient();
            for (var i = 0; i < Count; i++)
                Assert.That(await client.GetStringAsync($"http://127.0.0.1:{servers[i].Port}/"), Is.EqualTo(i.ToString(CultureInfo.InvariantCulture)));
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
        }
    }

    [Test]
    public async Task RequestsOfOneConnectionAreAnsweredInOrderWithEitherBodyFraming()
    {
        await using var server = new LoopbackHttpServer(EchoAsync);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = tcp.GetStream();
        var requests = "POST /a?x=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n" +
            "PATCH /b HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nConnection: close\r\n\r\nwxyz";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(requests));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answers = await reader.ReadToEndAsync();
        Assert.That(answers, Does.StartWith("HTTP/1.1 200 OK\r\n"));
        var first = answers.IndexOf("POST /a?x=1 [abcde]", StringComparison.Ordinal);
        var second = answers.IndexOf("PATCH /b [wxyz]", StringComparison.Ordinal);
        Assert.That((first, second), Is.Not.EqualTo((-1, -1)), answers);
        Assert.That(first, Is.GreaterThanOrEqualTo(0).And.LessThan(second), answers);
        Assert.That(answers, Does.Contain("Connection: close"), "the second request asked to close: the answer says so and the connection ended");
    }

    [Test]
    public async Task AHandlerThatThrowsIsAnswered500NamingTheFailure()
    {
        await using var server = new LoopbackHttpServer(_ => throw new InvalidOperationException("model broke"));
        using var client = new HttpClient();
        using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{server.Port}/api/v1/nodes"));
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("GET /api/v1/nodes").And.Contain("model broke"));
            Assert.That(server.HandlerFailures.Select(f => f.Request), Is.EqualTo(new[] { "GET /api/v1/nodes" }));
        });
    }

    [Test]
    public async Task AWebSocketHandshakeWithTheOfferedSubprotocolCarriesMessages()
    {
        await using var server = new LoopbackHttpServer(async c =>
        {
            using var ws = await c.AcceptWebSocketAsync("v4.channel.k8s.io");
            await ws.SendAsync(new byte[] { 1, (byte)'h', (byte)'i' }, WebSocketMessageType.Binary, true, CancellationToken.None);
            await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        });
        using var client = new ClientWebSocket();
        client.Options.AddSubProtocol("v5.channel.k8s.io");
        client.Options.AddSubProtocol("v4.channel.k8s.io");
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/exec"), CancellationToken.None);
        var buffer = new byte[16];
        var received = await client.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(client.SubProtocol, Is.EqualTo("v4.channel.k8s.io"));
            Assert.That(buffer[..received.Count], Is.EqualTo(new byte[] { 1, (byte)'h', (byte)'i' }));
        });
    }

    [Test]
    public async Task AWebSocketHandshakeWithoutTheSubprotocolIsRefused()
    {
        await using var server = new LoopbackHttpServer(async c => (await c.AcceptWebSocketAsync("v4.channel.k8s.io")).Dispose());
        using var client = new ClientWebSocket();
        client.Options.AddSubProtocol("v5.channel.k8s.io");
        Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/exec"), CancellationToken.None));
        Assert.That(server.HandlerFailures.Single().Error, Is.InstanceOf<WebSocketException>().With.Message.Contains("did not offer v4.channel.k8s.io"));
    }
}
