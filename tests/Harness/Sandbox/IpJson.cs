using System.Text.Json;
using System.Text.Json.Nodes;

namespace BashCni.Harness.Sandbox;

/// <summary>One address of a link as <c>ip -j addr</c> reports it.</summary>
public sealed record IpAddress(string Family, string Local, int PrefixLength)
{
    public string Cidr => $"{Local}/{PrefixLength}";

    /// <summary>An fe80::/10 address (the kernel gives one to every link by itself, asynchronously).</summary>
    public bool IsIpv6LinkLocal => Family == "inet6" && Local.StartsWith("fe", StringComparison.OrdinalIgnoreCase) &&
                                   Local.Length > 2 && "89abAB".Contains(Local[2], StringComparison.Ordinal);
}

/// <summary>One link as <c>ip -j -d addr</c> / <c>ip -j link</c> reports it.</summary>
public sealed record IpLink(
    int Index,
    string Name,
    string? Mac,
    string? OperState,
    IReadOnlyList<string> Flags,
    string? Master,
    string? Kind,
    int? LinkNetNsId,
    int? Mtu,
    IReadOnlyList<IpAddress> Addresses)
{
    public bool IsUp => Flags.Contains("UP");

    public IEnumerable<IpAddress> Ipv4 => Addresses.Where(a => a.Family == "inet");
}

/// <summary>One route as <c>ip -j route</c> reports it.</summary>
public sealed record IpRoute(string Destination, string? Gateway, string? Device, string? Scope, string? Source)
{
    public bool IsDefault => Destination == "default" || Destination == "0.0.0.0/0";
}

/// <summary>Parses the JSON output of iproute2 (<c>ip -j</c>).</summary>
public static class IpJson
{
    public static IReadOnlyList<IpLink> ParseLinks(string json)
    {
        var links = new List<IpLink>();
        foreach (var node in ParseArray(json))
        {
            if (node is not JsonObject o) continue;
            var addresses = new List<IpAddress>();
            if (o["addr_info"] is JsonArray infos)
            {
                foreach (var info in infos.OfType<JsonObject>())
                {
                    var family = Str(info, "family");
                    var local = Str(info, "local");
                    if (family is null || local is null) continue;
                    addresses.Add(new IpAddress(family, local, Int(info, "prefixlen") ?? 0));
                }
            }
            var flags = o["flags"] is JsonArray f ? f.Select(x => x?.GetValue<string>() ?? "").ToList() : [];
            var kind = o["linkinfo"] is JsonObject li ? Str(li, "info_kind") : null;
            links.Add(new IpLink(
                Int(o, "ifindex") ?? 0,
                Str(o, "ifname") ?? "",
                Str(o, "address"),
                Str(o, "operstate"),
                flags,
                Str(o, "master"),
                kind,
                Int(o, "link_netnsid"),
                Int(o, "mtu"),
                addresses));
        }
        return links;
    }

    public static IReadOnlyList<IpRoute> ParseRoutes(string json) =>
        ParseArray(json).OfType<JsonObject>()
            .Select(o => new IpRoute(Str(o, "dst") ?? "", Str(o, "gateway"), Str(o, "dev"), Str(o, "scope"), Str(o, "prefsrc")))
            .ToList();

    /// <summary>Names from <c>ip -j netns list</c> (empty output when there are none).</summary>
    public static IReadOnlyList<string> ParseNetnsNames(string json) =>
        ParseArray(json).OfType<JsonObject>().Select(o => Str(o, "name") ?? "").Where(n => n.Length > 0).ToList();

    private static JsonArray ParseArray(string json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        try
        {
            return JsonNode.Parse(json) as JsonArray ?? [];
        }
        catch (JsonException e)
        {
            throw new FormatException($"not ip -j output: {e.Message}\n{json}", e);
        }
    }

    private static string? Str(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static int? Int(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;
}
