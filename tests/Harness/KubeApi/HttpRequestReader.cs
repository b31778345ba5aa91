using System.Globalization;
using System.Text;

namespace BashCni.Harness.KubeApi;

/// <summary>The request line and headers of one HTTP/1.1 request (RFC 9112 sections 3 and 5).</summary>
internal sealed record HttpRequestHead(string Method, string Target, string Version, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>Stands for a request that could not be read (answered 400).</summary>
    public static HttpRequestHead Unreadable { get; } = new("GET", "/", "HTTP/1.1", new Dictionary<string, string>());

    public string? Header(string name) => Headers.GetValueOrDefault(name);

    /// <summary>HTTP/1.0, or "Connection: close": the connection ends after the answer (RFC 9112 section 9.3).</summary>
    public bool CloseAfter => Version == "HTTP/1.0" || HasToken("Connection", "close");

    public bool HasToken(string header, string token) =>
        Header(header)?.Split(',').Any(t => t.Trim().Equals(token, StringComparison.OrdinalIgnoreCase)) ?? false;
}

internal sealed class HttpRequestFormatException(string message) : Exception(message);

/// <summary>Reads requests off a connection: head lines (CRLF), then a body by Content-Length or chunked transfer
/// coding (RFC 9112 sections 6 and 7.1). Bytes read past a request stay buffered for the next one.</summary>
internal sealed class HttpRequestReader(Stream stream)
{
    private const int MaxHeadBytes = 64 * 1024;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    /// <summary>Bytes received but not yet consumed (a WebSocket client sends none before the server's 101).</summary>
    public int Buffered => _end - _start;

    /// <summary>The next request's head, or null when the connection ended cleanly before one began.</summary>
    public async Task<HttpRequestHead?> ReadHeadAsync(CancellationToken cancellationToken)
    {
        var first = await ReadLineAsync(cancellationToken, allowEnd: true).ConfigureAwait(false);
        if (first is null) return null;
        var parts = first.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            throw new HttpRequestFormatException($"not an HTTP/1.x request line: '{first}'");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var size = first.Length;
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken, allowEnd: false).ConfigureAwait(false);
            if (line!.Length == 0) break;
            size += line.Length;
            if (size > MaxHeadBytes) throw new HttpRequestFormatException("request head larger than 64 KiB");
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw new HttpRequestFormatException($"not a header line: '{line}'");
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + ", " + value : value;
        }
        return new HttpRequestHead(parts[0], parts[1], parts[2], headers);
    }

    public async Task<string> ReadBodyAsync(HttpRequestHead head, CancellationToken cancellationToken)
    {
        if (head.HasToken("Transfer-Encoding", "chunked"))
        {
            using var body = new MemoryStream();
            while (true)
            {
                var sizeLine = (await ReadLineAsync(cancellationToken, allowEnd: false).ConfigureAwait(false))!;
                var hex = sizeLine.Split(';')[0].Trim();
                if (!int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
                    throw new HttpRequestFormatException($"not a chunk size: '{sizeLine}'");
                if (size == 0)
                {
                    // trailer fields, up to the empty line
                    while ((await ReadLineAsync(cancellationToken, allowEnd: false).ConfigureAwait(false))!.Length > 0)
                    {
                    }
                    return Encoding.UTF8.GetString(body.ToArray());
                }
                body.Write(await ReadExactlyAsync(size, cancellationToken).ConfigureAwait(false));
                if ((await ReadLineAsync(cancellationToken, allowEnd: false).ConfigureAwait(false))!.Length != 0)
                    throw new HttpRequestFormatException("chunk data not followed by CRLF");
            }
        }
        if (head.Header("Content-Length") is not { } lengthText) return "";
        if (!int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            throw new HttpRequestFormatException($"not a Content-Length: '{lengthText}'");
        return Encoding.UTF8.GetString(await ReadExactlyAsync(length, cancellationToken).ConfigureAwait(false));
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var done = 0;
        while (done < count)
        {
            if (Buffered == 0 && !await FillAsync(cancellationToken).ConfigureAwait(false))
                throw new IOException($"the connection ended {count - done} bytes before the end of the body");
            var take = Math.Min(count - done, Buffered);
            Array.Copy(_buffer, _start, result, done, take);
            _start += take;
            done += take;
        }
        return result;
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken, bool allowEnd)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (Buffered == 0 && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                if (allowEnd && line.Length == 0) return null;
                throw new IOException("the connection ended inside a request head");
            }
            var b = _buffer[_start++];
            if (b == (byte)'\n')
            {
                if (line.Length > 0 && line[^1] == '\r') line.Length--;
                return line.ToString();
            }
            line.Append((char)b);
            if (line.Length > MaxHeadBytes) throw new HttpRequestFormatException("request line longer than 64 KiB");
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
        return _end > 0;
    }
}
