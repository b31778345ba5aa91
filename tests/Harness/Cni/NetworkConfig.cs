using System.Text.Json;
using System.Text.Json.Nodes;

namespace BashCni.Harness.Cni;

/// <summary>
/// A network configuration as the plugin receives it on stdin. Immutable: every fluent call returns a new
/// config, so a test can derive variants from one base without them affecting each other.
/// Two shapes: the lab form (IPAM fields at the top level, <see cref="Lab"/>) and the standard form with an
/// <c>ipam</c> section (<see cref="WithIpam"/>). IPAM fields set through this builder land where the shape
/// keeps them (<see cref="WithIpamField"/>).
/// </summary>
public sealed class NetworkConfig
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly JsonObject _root;

    private NetworkConfig(JsonObject root) => _root = root;

    /// <summary>The lab form: <c>{"cniVersion","name","type":"bash-cni","network","subnet"}</c>.</summary>
    public static NetworkConfig Lab(string subnet, string network = "10.244.0.0/16", string name = "mynet",
        string cniVersion = CniVersions.V031, string type = "bash-cni") =>
        new(new JsonObject
        {
            ["cniVersion"] = cniVersion,
            ["name"] = name,
            ["type"] = type,
            ["network"] = network,
            ["subnet"] = subnet,
        });

    /// <summary>The standard form: <c>{"cniVersion","name","type","ipam":{"type":ipamType,"subnet":subnet}}</c>.</summary>
    public static NetworkConfig WithIpam(string ipamType, string subnet, string name = "mynet",
        string cniVersion = CniVersions.V031, string type = "bash-cni") =>
        new(new JsonObject
        {
            ["cniVersion"] = cniVersion,
            ["name"] = name,
            ["type"] = type,
            ["ipam"] = new JsonObject { ["type"] = ipamType, ["subnet"] = subnet },
        });

    /// <summary>Takes any JSON object as it is (e.g. a fixture from fixtures/netconf).</summary>
    public static NetworkConfig Parse(string json)
    {
        var node = JsonNode.Parse(json) ?? throw new FormatException("network config is JSON null");
        return node is JsonObject obj ? new NetworkConfig(obj) : throw new FormatException($"network config is not a JSON object: {json}");
    }

    public static async Task<NetworkConfig> LoadAsync(string path, CancellationToken cancellationToken = default) =>
        Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));

    public string CniVersion => GetString(_root, "cniVersion") ?? "";

    public string Name => GetString(_root, "name") ?? "";

    /// <summary>The plugin type (top-level "type").</summary>
    public string Type => GetString(_root, "type") ?? "";

    /// <summary>True for the standard form (an "ipam" object).</summary>
    public bool HasIpamSection => _root["ipam"] is JsonObject;

    public string? IpamType => _root["ipam"] is JsonObject ipam ? GetString(ipam, "type") : null;

    /// <summary>The subnet the IPAM part allocates from (ipam.subnet, ipam.ranges[0][0].subnet or top-level subnet).</summary>
    public string? Subnet => GetIpamField("subnet") is JsonValue v && v.TryGetValue<string>(out var s) ? s : RangesSubnet();

    /// <summary>The dataDir the IPAM part stores reservations in, if set.</summary>
    public string? DataDirPath => GetIpamField("dataDir") is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>An IPAM field from where this shape keeps it (ipam section, else top level).</summary>
    public JsonNode? GetIpamField(string key) => (_root["ipam"] as JsonObject ?? _root)[key];

    /// <summary>A top-level field.</summary>
    public JsonNode? this[string key] => _root[key];

    /// <summary>A deep copy of the JSON.</summary>
    public JsonObject ToJsonObject() => (JsonObject)_root.DeepClone();

    public string ToJson(bool indented = false) => indented ? _root.ToJsonString(Indented) : _root.ToJsonString();

    public override string ToString() => ToJson();

    /// <summary>Sets a top-level field (a null node writes JSON null; use <see cref="Without"/> to remove).</summary>
    public NetworkConfig With(string key, JsonNode? value) => Mutate(root => root[key] = value?.DeepClone());

    /// <summary>Removes a top-level field.</summary>
    public NetworkConfig Without(string key) => Mutate(root => root.Remove(key));

    /// <summary>Sets an IPAM field: inside "ipam" in the standard form, at the top level in the lab form.</summary>
    public NetworkConfig WithIpamField(string key, JsonNode? value) =>
        Mutate(root => (root["ipam"] as JsonObject ?? root)[key] = value?.DeepClone());

    /// <summary>Removes an IPAM field from where this shape keeps it.</summary>
    public NetworkConfig WithoutIpamField(string key) => Mutate(root => (root["ipam"] as JsonObject ?? root).Remove(key));

    public NetworkConfig Version(string cniVersion) => With("cniVersion", cniVersion);

    public NetworkConfig Named(string name) => With("name", name);

    public NetworkConfig DataDir(string dir) => WithIpamField("dataDir", dir);

    public NetworkConfig LogFile(string file) => With("logFile", file);

    public NetworkConfig LogLevel(string level) => With("logLevel", level);

    public NetworkConfig WithSubnet(string subnet) => WithIpamField("subnet", subnet);

    public NetworkConfig RangeStart(string ip) => WithIpamField("rangeStart", ip);

    public NetworkConfig RangeEnd(string ip) => WithIpamField("rangeEnd", ip);

    public NetworkConfig Gateway(string ip) => WithIpamField("gateway", ip);

    /// <summary>Seconds the IPAM part waits for the store lock.</summary>
    public NetworkConfig LockTimeout(int seconds) => WithIpamField("lockTimeout", seconds);

    public NetworkConfig Bridge(string name) => With("bridge", name);

    public NetworkConfig Mtu(int mtu) => With("mtu", mtu);

    /// <summary>Routes handed back in the result: (dst, gw or null).</summary>
    public NetworkConfig Routes(params (string Dst, string? Gw)[] routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var array = new JsonArray();
        foreach (var (dst, gw) in routes)
        {
            var route = new JsonObject { ["dst"] = dst };
            if (gw is not null) route["gw"] = gw;
            array.Add(route);
        }
        return WithIpamField("routes", array);
    }

    /// <summary>The previous result, as runtimes send it with CHECK and DEL (≥ 0.4.0).</summary>
    public NetworkConfig PrevResult(JsonNode result) => With("prevResult", result);

    public NetworkConfig PrevResult(string resultJson) =>
        With("prevResult", JsonNode.Parse(resultJson) ?? throw new FormatException("prevResult is JSON null"));

    /// <summary>GC's <c>cni.dev/valid-attachments</c>: the attachments that must survive.</summary>
    public NetworkConfig ValidAttachments(IEnumerable<(string ContainerId, string IfName)> attachments)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        var array = new JsonArray();
        foreach (var (id, ifname) in attachments) array.Add(new JsonObject { ["containerID"] = id, ["ifname"] = ifname });
        return With("cni.dev/valid-attachments", array);
    }

    private NetworkConfig Mutate(Action<JsonObject> change)
    {
        var copy = ToJsonObject();
        change(copy);
        return new NetworkConfig(copy);
    }

    private string? RangesSubnet() =>
        (_root["ipam"] as JsonObject)?["ranges"] is JsonArray { Count: > 0 } sets && sets[0] is JsonArray { Count: > 0 } set
        && set[0] is JsonObject range ? GetString(range, "subnet") : null;

    private static string? GetString(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
