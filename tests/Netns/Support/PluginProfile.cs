using System.Text.Json.Nodes;
using BashCni.Harness;
using BashCni.Harness.Cni;

namespace BashCni.Tests.Netns.Support;

/// <summary>
/// The plugin under test and how to drive it: a plugin dir, the interface plugin's type, a network-config template
/// (strings "{{cniVersion}}", "{{name}}", "{{subnet}}", "{{dataDir}}", "{{logFile}}", "{{gateway}}", "{{staticAddress}}" are filled in), the cniVersions it
/// supports and the capabilities it claims beyond the CNI spec. Profiles live in fixtures/plugins/profiles/NAME.json.
/// Selected by BASHCNI_PROFILE (a name or a path); a profile without <c>pluginDir</c> tests the plugin under test,
/// <see cref="RepoPaths.PluginDir"/>, and BASHCNI_PLUGIN_DIR (<see cref="RepoPaths.PluginDirOverride"/>) points any
/// chosen profile at another plugin dir.
/// </summary>
public sealed class PluginProfile
{
    /// <summary>STATUS (1.1.0): ready / code 50 when exhausted.</summary>
    public const string Status = "status";
    /// <summary>GC (1.1.0): releases reservations not in valid-attachments.</summary>
    public const string Gc = "gc";
    /// <summary>CHECK (0.4.0+).</summary>
    public const string Check = "check";
    /// <summary>This project's error-code contract (CONTRACTS.md): exact codes for bad input, 5, 11, 110, 111.</summary>
    public const string ErrorCodes = "error-codes";
    /// <summary>A <c>lockTimeout</c> config field: a held store lock ends in code 11 instead of waiting forever.</summary>
    public const string LockTimeout = "lock-timeout";
    /// <summary>A <c>logFile</c> config field.</summary>
    public const string LogFile = "log-file";
    /// <summary>A failed ADD removes the links it made before it returns (not only when the runtime's DEL follows).</summary>
    public const string RollbackLinks = "rollback-links";

    private readonly JsonObject _template;

    private PluginProfile(string name, string description, string pluginDir, string type, string ipamType,
        IReadOnlyList<string> versions, IReadOnlySet<string> capabilities, JsonObject template, string source,
        IReadOnlyDictionary<string, string> deviations, string topology, bool hasStore)
    {
        KnownDeviations = deviations;
        Topology = topology;
        HasStore = hasStore;
        Name = name;
        Description = description;
        PluginDir = pluginDir;
        Type = type;
        IpamType = ipamType;
        CniVersions = versions;
        Capabilities = capabilities;
        _template = template;
        Source = source;
    }

    public string Name { get; }
    public string Description { get; }
    public string PluginDir { get; }
    public string Type { get; }
    public string IpamType { get; }
    public IReadOnlyList<string> CniVersions { get; }
    public IReadOnlySet<string> Capabilities { get; }

    /// <summary>A bridge the host veths join (<see cref="TopologyBridge"/>, the default).</summary>
    public const string TopologyBridge = "bridge";
    /// <summary>A routed veth pair per pod, no bridge (ptp).</summary>
    public const string TopologyPtp = "ptp";
    /// <summary>A macvlan child of the node's eth0 in the pod, no host-side link (macvlan).</summary>
    public const string TopologyMacvlan = "macvlan";

    /// <summary>How the plugin connects a pod to the node (profile field <c>topology</c>: bridge, ptp or macvlan).</summary>
    public string Topology { get; }

    /// <summary>The IPAM keeps host-local's store in the config's dataDir (profile field <c>store</c>, default true; false
    /// for the static IPAM, which reserves nothing).</summary>
    public bool HasStore { get; }

    /// <summary>Documented ways this plugin departs from a spec-generic check: test name → why.</summary>
    public IReadOnlyDictionary<string, string> KnownDeviations { get; }

    /// <summary>The file the profile came from.</summary>
    public string Source { get; }

    public bool IsBashCni => Type == "bash-cni";

    public bool Has(string capability) => Capabilities.Contains(capability);

    public bool Supports(string cniVersion) => CniVersions.Contains(cniVersion, StringComparer.Ordinal);

    /// <summary>The newest version the profile supports (for tests that do not depend on the version).</summary>
    public string NewestVersion => CniVersions[^1];

    /// <summary>The newest supported version that has CHECK (≥ 0.4.0).</summary>
    public string? CheckVersion => CniVersions.LastOrDefault(Harness.Cni.CniVersions.HasCheck);

    public string PluginPath => Path.Combine(PluginDir, Type);

    /// <summary>The profile this run uses (BASHCNI_PROFILE / BASHCNI_PLUGIN_DIR).</summary>
    public static PluginProfile Current => CurrentLazy.Value;

    private static readonly Lazy<PluginProfile> CurrentLazy = new(() =>
    {
        var profile = Load(HarnessEnvironment.Get("PROFILE") ?? "bash-cni");
        return RepoPaths.PluginDirOverride is { } dir ? profile.WithPluginDir(dir) : profile;
    });

    /// <summary>Loads a profile by name (fixtures/plugins/profiles/NAME.json) or path.</summary>
    public static PluginProfile Load(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        var path = nameOrPath.Contains('/', StringComparison.Ordinal) || nameOrPath.EndsWith(".json", StringComparison.Ordinal)
            ? Path.GetFullPath(nameOrPath)
            : RepoPaths.Fixture("plugins", "profiles", nameOrPath + ".json");
        if (!File.Exists(path))
            throw new FileNotFoundException($"no plugin profile '{nameOrPath}' (looked for {path}); profiles: " +
                string.Join(", ", Directory.GetFiles(RepoPaths.Fixture("plugins", "profiles"), "*.json").Select(Path.GetFileNameWithoutExtension)));
        var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                   ?? throw new FormatException($"{path}: not a JSON object");
        string Str(string key) => root[key]?.GetValue<string>() ?? throw new FormatException($"{path}: '{key}' missing");
        var dir = root["pluginDir"]?.GetValue<string>() is { } given
            ? Path.GetFullPath(Path.IsPathRooted(given) ? given : Path.Combine(RepoPaths.Root, given))
            : RepoPaths.PluginDir;
        var versions = (root["cniVersions"] as JsonArray ?? throw new FormatException($"{path}: 'cniVersions' missing"))
            .Select(v => v!.GetValue<string>()).ToList();
        var caps = (root["capabilities"] as JsonArray ?? [])
            .Select(v => v!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var template = root["config"] as JsonObject ?? throw new FormatException($"{path}: 'config' missing");
        var deviations = (root["knownDeviations"] as JsonObject ?? [])
            .ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "", StringComparer.Ordinal);
        var topology = root["topology"]?.GetValue<string>() ?? TopologyBridge;
        if (topology is not (TopologyBridge or TopologyPtp or TopologyMacvlan))
            throw new FormatException($"{path}: 'topology' must be bridge, ptp or macvlan (got '{topology}')");
        return new PluginProfile(Str("name"), root["description"]?.GetValue<string>() ?? "", dir, Str("type"),
            root["ipamType"]?.GetValue<string>() ?? "", versions, caps, (JsonObject)template.DeepClone(), path, deviations,
            topology, root["store"]?.GetValue<bool>() ?? true);
    }

    /// <summary>The same profile pointed at another plugin dir (e.g. a broken variant).</summary>
    public PluginProfile WithPluginDir(string dir) =>
        new(Name, Description, dir, Type, IpamType, CniVersions, Capabilities, (JsonObject)_template.DeepClone(), Source, KnownDeviations,
            Topology, HasStore);

    /// <summary>The host offset of <c>{{staticAddress}}</c> in the subnet (a fixed address for an IPAM without a store).</summary>
    public const int StaticOffset = 10;

    /// <summary>
    /// The profile's network config, filled in; besides the placeholders above, <c>{{gateway}}</c> is the subnet's first
    /// host and <c>{{staticAddress}}</c> the subnet's host <see cref="StaticOffset"/> with the subnet's prefix (for
    /// the <c>static</c> IPAM, which has no range to allocate from).
    /// </summary>
    public NetworkConfig Config(string cniVersion, string subnet, string dataDir, string logFile, string name = "mynet")
    {
        var cidr = Cidr.Parse(subnet);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["cniVersion"] = cniVersion, ["name"] = name, ["subnet"] = subnet, ["dataDir"] = dataDir, ["logFile"] = logFile,
            ["gateway"] = cidr.FirstHost.ToString(),
            ["staticAddress"] = $"{Cidr.Add(cidr.Network, StaticOffset)}/{cidr.Prefix}",
        };
        var json = (JsonObject)_template.DeepClone();
        Fill(json, values);
        return NetworkConfig.Parse(json.ToJsonString());
    }

    private static void Fill(JsonNode node, IReadOnlyDictionary<string, string> values)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    var child = o[key];
                    if (child is JsonValue v && v.TryGetValue<string>(out var s) && TryPlaceholder(s, values, out var filled)) o[key] = filled;
                    else if (child is not null) Fill(child, values);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is JsonValue v && v.TryGetValue<string>(out var s) && TryPlaceholder(s, values, out var filled)) a[i] = filled;
                    else if (a[i] is { } child) Fill(child, values);
                }
                break;
        }
    }

    private static bool TryPlaceholder(string s, IReadOnlyDictionary<string, string> values, out string filled)
    {
        filled = s;
        if (!s.StartsWith("{{", StringComparison.Ordinal) || !s.EndsWith("}}", StringComparison.Ordinal)) return false;
        if (!values.TryGetValue(s[2..^2], out var value)) throw new FormatException($"unknown placeholder {s}");
        filled = value;
        return true;
    }

    /// <summary>Ignores the current test unless the profile claims <paramref name="capability"/>.</summary>
    public void Require(string capability, string what)
    {
        if (!Has(capability))
            Assert.Ignore($"profile '{Name}' does not claim '{capability}' ({what} is specific to plugins that do); " +
                          $"run with BASHCNI_PROFILE=bash-cni to cover it");
    }

    /// <summary>Ignores the current test when the profile documents a deviation for it (the reason names the finding).</summary>
    public void SkipKnownDeviation(string testName)
    {
        if (KnownDeviations.TryGetValue(testName, out var why))
            Assert.Ignore($"known deviation of profile '{Name}' (documented in {Path.GetFileName(Source)}): {why}");
    }

    /// <summary>Ignores the current test unless the profile supports <paramref name="cniVersion"/>.</summary>
    public void RequireVersion(string cniVersion)
    {
        if (!Supports(cniVersion))
            Assert.Ignore($"profile '{Name}' does not support cniVersion {cniVersion} (it supports {string.Join(", ", CniVersions)})");
    }

    public override string ToString() => $"{Name} ({PluginDir}, type {Type})";
}
