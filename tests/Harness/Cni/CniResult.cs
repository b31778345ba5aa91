using System.Text.Json.Nodes;

namespace BashCni.Harness.Cni;

/// <summary>
/// A successful ADD (or CHECK/prevResult) result, read the same way for cniVersion 0.3.0–1.1.0:
/// <see cref="CniIpConfig.Version"/> is filled only where the version carries it (0.x).
/// Parsing is tolerant of unknown fields; <see cref="CniResultSchema"/> is the strict check.
/// </summary>
public sealed record CniResult(string CniVersion, IReadOnlyList<CniInterface> Interfaces, IReadOnlyList<CniIpConfig> Ips,
    IReadOnlyList<CniRoute> Routes, CniDns Dns)
{
    /// <summary>The JSON this result was read from.</summary>
    public string Json { get; init; } = "";

    /// <summary>The first IP entry (IPAM results have exactly one in this lab).</summary>
    public CniIpConfig FirstIp => Ips.Count > 0 ? Ips[0] : throw new InvalidOperationException($"result has no ips: {Json}");

    /// <summary>Reads a result; throws <see cref="FormatException"/> naming the bad field, or when cniVersion is not 0.3.0–1.1.0.</summary>
    public static CniResult Parse(string json)
    {
        var root = CniJson.ParseObject(json, "result");
        var version = CniJson.RequiredString(root, "cniVersion", "");
        if (!CniVersions.IsKnown(version))
            throw new FormatException($"cniVersion: '{version}' is not one of {string.Join(", ", CniVersions.All)}");
        if (root["code"] is not null)
            throw new FormatException($"this is an error, not a result: {CniJson.Excerpt(json)}");
        var withIpVersion = CniVersions.HasIpVersionField(version);

        var interfaces = CniJson.Objects(root, "interfaces", "").Select(x => new CniInterface(
            CniJson.RequiredString(x.Item, "name", x.Path),
            CniJson.OptionalString(x.Item, "mac", x.Path),
            CniJson.OptionalString(x.Item, "sandbox", x.Path)) { Mtu = CniJson.OptionalInt(x.Item, "mtu", x.Path) }).ToList();
        var ips = CniJson.Objects(root, "ips", "").Select(x => new CniIpConfig(
            withIpVersion ? CniJson.OptionalString(x.Item, "version", x.Path) : null,
            CniJson.RequiredString(x.Item, "address", x.Path),
            CniJson.OptionalString(x.Item, "gateway", x.Path),
            CniJson.OptionalInt(x.Item, "interface", x.Path))).ToList();
        var routes = CniJson.Objects(root, "routes", "").Select(x => new CniRoute(
            CniJson.RequiredString(x.Item, "dst", x.Path),
            CniJson.OptionalString(x.Item, "gw", x.Path))).ToList();
        var dns = root["dns"] switch
        {
            null => CniDns.Empty,
            JsonObject d => new CniDns(CniJson.Strings(d, "nameservers", "dns."), CniJson.OptionalString(d, "domain", "dns."),
                CniJson.Strings(d, "search", "dns."), CniJson.Strings(d, "options", "dns.")),
            _ => throw new FormatException("dns: expected an object"),
        };
        return new CniResult(version, interfaces, ips, routes, dns) { Json = json };
    }

    public static bool TryParse(string? json, out CniResult? result)
    {
        result = null;
        if (string.IsNullOrWhiteSpace(json)) return false;
        try
        {
            result = Parse(json);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
