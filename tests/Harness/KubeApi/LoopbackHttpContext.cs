using System.Collections.Specialized;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Web;

namespace BashCni.Harness.KubeApi;

/// <summary>One request to a <see cref="LoopbackHttpServer"/> and its one answer: a response, or the switch of the
/// connection to a WebSocket.</summary>
public sealed class LoopbackHttpContext
{
    // RFC 6455 section 1.3: the GUID the server appends to Sec-WebSocket-Key before hashing.
    private const string WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private readonly LoopbackHttpServer _server;
    private readonly Stream _stream;
    private readonly HttpRequestReader _reader;
    private readonly HttpRequestHead _head;

    internal LoopbackHttpContext(LoopbackHttpServer server, Stream stream, HttpRequestReader reader, HttpRequestHead head, string body)
    {
        _server = server;
        _stream = stream;
        _reader = reader;
        _head = head;
        Body = body;
        Url = new Uri($"http://127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}{(head.Target.StartsWith('/') ? head.Target : "/" + head.Target)}");
        QueryString = HttpUtility.ParseQueryString(Url.Query);
    }

    public string HttpMethod => _head.Method;

    public Uri Url { get; }

    public NameValueCollection QueryString { get; }

    public string? ContentType => _head.Header("Content-Type");

    /// <summary>The request body, as UTF-8 text.</summary>
    public string Body { get; }

    /// <summary>An opening handshake: GET with "Upgrade: websocket" and "Connection: Upgrade" (RFC 6455 section 4.1).</summary>
    public bool IsWebSocketRequest => _head.Method == "GET" && _head.HasToken("Upgrade", "websocket") && _head.HasToken("Connection", "Upgrade");

    internal bool Answered { get; private set; }

    internal bool Upgraded { get; private set; }

    /// <summary>Answers with <paramref name="code"/> and <paramref name="body"/> (Content-Length framed).</summary>
    public async Task RespondAsync(int code, string contentType, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        MarkAnswered();
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {code} {ReasonPhrase(code)}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
        if (_head.CloseAfter) head.Append("Connection: close\r\n");
        head.Append("\r\n");
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _server.Stopping).ConfigureAwait(false);
        await _stream.WriteAsync(body, _server.Stopping).ConfigureAwait(false);
        await _stream.FlushAsync(_server.Stopping).ConfigureAwait(false);
    }

    /// <summary>Completes the opening handshake with <paramref name="subProtocol"/>, which the client must have
    /// offered (RFC 6455 section 4.2.2), and speaks WebSocket on the connection from then on.</summary>
    public async Task<WebSocket> AcceptWebSocketAsync(string subProtocol)
    {
        if (!IsWebSocketRequest) throw new WebSocketException(WebSocketError.NotAWebSocket, "not a WebSocket opening handshake");
        if (_head.Header("Sec-WebSocket-Key") is not { Length: > 0 } key) throw new WebSocketException(WebSocketError.HeaderError, "no Sec-WebSocket-Key");
        if (!_head.HasToken("Sec-WebSocket-Protocol", subProtocol))
            throw new WebSocketException(WebSocketError.UnsupportedProtocol, $"the client did not offer {subProtocol} (offered: {_head.Header("Sec-WebSocket-Protocol")})");
        if (_reader.Buffered > 0) throw new WebSocketException(WebSocketError.InvalidState, "the client sent data before the handshake's answer");
        MarkAnswered();
        Upgraded = true;
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + WebSocketGuid)));
        var head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: {subProtocol}\r\n\r\n";
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(head), _server.Stopping).ConfigureAwait(false);
        await _stream.FlushAsync(_server.Stopping).ConfigureAwait(false);
        return WebSocket.CreateFromStream(_stream, new WebSocketCreationOptions { IsServer = true, SubProtocol = subProtocol, KeepAliveInterval = TimeSpan.Zero });
    }

    private void MarkAnswered()
    {
        if (Answered) throw new InvalidOperationException($"{_head.Method} {_head.Target} was answered already");
        Answered = true;
    }

    private static string ReasonPhrase(int code) => Enum.IsDefined(typeof(HttpStatusCode), code) ? ((HttpStatusCode)code).ToString() : "Status";
}
