using System.Globalization;

namespace BashCni.Harness.Kubernetes;

/// <summary>Where and as whom to log in: host, port, user and private key file.</summary>
public sealed record SshEndpoint(string Host, int Port, string User, string KeyPath)
{
    /// <summary>Parses <c>[user@]host[:port]</c>; missing parts come from <paramref name="defaultUser"/> and port 22.</summary>
    public static SshEndpoint Parse(string text, string defaultUser, string keyPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var user = defaultUser;
        var rest = text.Trim();
        var at = rest.LastIndexOf('@');
        if (at > 0)
        {
            user = rest[..at];
            rest = rest[(at + 1)..];
        }
        var port = 22;
        var colon = rest.LastIndexOf(':');
        if (colon > 0)
        {
            port = int.Parse(rest[(colon + 1)..], CultureInfo.InvariantCulture);
            rest = rest[..colon];
        }
        return new SshEndpoint(rest, port, user, keyPath);
    }

    public override string ToString() => $"{User}@{Host}:{Port}";
}
