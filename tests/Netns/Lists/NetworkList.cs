using System.Text.Json.Nodes;
using BashCni.Harness;
using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;

namespace BashCni.Tests.Netns.Lists;

/// <summary>
/// A network configuration list (.conflist) run the way libcni runs it (containernetworking/cni libcni/api.go:
/// AddNetworkList, CheckNetworkList, DelNetworkList, GCNetworkList, GetStatusOfNetworkList): each plugin's config is
/// the list's <c>name</c> and <c>cniVersion</c> plus the plugin's own object (buildOneConfig), with
/// <c>runtimeConfig</c> holding the runtime's values for the capabilities the plugin declares (injectRuntimeConfig);
/// ADD runs the plugins in order, each with the previous plugin's result as <c>prevResult</c>; CHECK runs them in
/// order and DEL in reverse order, each with the list's cached result (the last ADD result) as <c>prevResult</c>; GC
/// and STATUS run every plugin in order. Binaries are looked up in <see cref="CniPath"/> in order (invoke.FindInPath).
/// </summary>
public sealed class NetworkList
{
    private readonly JsonObject _list;

    public NetworkList(JsonObject list, IReadOnlyList<string> cniPath, ICommandRunner runner, string nodeNetNs)
    {
        _list = list ?? throw new ArgumentNullException(nameof(list));
        CniPath = cniPath;
        Runner = runner;
        NodeNetNs = nodeNetNs;
    }

    public IReadOnlyList<string> CniPath { get; }
    public ICommandRunner Runner { get; }
    public string NodeNetNs { get; }

    public string Name => _list["name"]!.GetValue<string>();
    public string CniVersion => _list["cniVersion"]!.GetValue<string>();

    public IReadOnlyList<JsonObject> Plugins => (_list["plugins"] as JsonArray ?? []).Cast<JsonObject>().ToList();

    /// <summary>The runtime's values of capability args (libcni RuntimeConf.CapabilityArgs), e.g. portMappings.</summary>
    public Dictionary<string, JsonNode> CapabilityArgs { get; } = new(StringComparer.Ordinal);

    /// <summary>Loads a .conflist, filling the strings "{{key}}" from <paramref name="values"/>.</summary>
    public static async Task<JsonObject> LoadAsync(string path, IReadOnlyDictionary<string, string> values)
    {
        var text = await File.ReadAllTextAsync(path).ConfigureAwait(false);
        foreach (var (key, value) in values) text = text.Replace("{{" + key + "}}", value, StringComparison.Ordinal);
        return JsonNode.Parse(text) as JsonObject ?? throw new FormatException($"{path}: not a JSON object");
    }

    /// <summary>The plugin binary of a type: the first CNI_PATH entry holding it.</summary>
    public CniPlugin PluginFor(string type)
    {
        var dir = CniPath.FirstOrDefault(d => File.Exists(Path.Combine(d, type)))
                  ?? throw new FileNotFoundException($"no plugin '{type}' in CNI_PATH {string.Join(':', CniPath)}");
        return new CniPlugin(dir, type, Runner) { NodeNetNs = NodeNetNs, CniPath = string.Join(':', CniPath), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>One plugin's config as libcni builds it (name, cniVersion, runtimeConfig, prevResult).</summary>
    public NetworkConfig ConfigOf(JsonObject plugin, string? prevResult)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        var conf = (JsonObject)plugin.DeepClone();
        conf["name"] = Name;
        conf["cniVersion"] = CniVersion;
        if (conf["capabilities"] is JsonObject caps)
        {
            var rt = new JsonObject();
            foreach (var (cap, on) in caps)
                if (on is JsonValue v && v.TryGetValue<bool>(out var enabled) && enabled && CapabilityArgs.TryGetValue(cap, out var arg))
                    rt[cap] = arg.DeepClone();
            if (rt.Count > 0) conf["runtimeConfig"] = rt;
        }
        if (prevResult is not null) conf["prevResult"] = JsonNode.Parse(prevResult);
        return NetworkConfig.Parse(conf.ToJsonString());
    }

    /// <summary>ADD of every plugin in order; stops at the first failure (libcni returns that error).</summary>
    public async Task<ListRun> AddAsync(Func<NetworkConfig, CniCall> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var steps = new List<ListStep>();
        string? prev = null;
        foreach (var plugin in Plugins)
        {
            var config = ConfigOf(plugin, prev);
            var ex = await PluginFor(config.Type).AddAsync(call(config)).ConfigureAwait(false);
            steps.Add(new ListStep(config, ex));
            if (!ex.Succeeded) break;
            prev = ex.Stdout;
        }
        return new ListRun(CniCommand.Add, steps);
    }

    /// <summary>CHECK of every plugin in order, each with the cached result as prevResult; stops at the first failure.</summary>
    public Task<ListRun> CheckAsync(Func<NetworkConfig, CniCall> call, string cachedResult, bool stopAtFailure = true) =>
        RunEachAsync(CniCommand.Check, call, cachedResult, Plugins, stopAtFailure);

    /// <summary>DEL of every plugin in reverse order, each with the cached result as prevResult (when there is one).</summary>
    public Task<ListRun> DelAsync(Func<NetworkConfig, CniCall> call, string? cachedResult) =>
        RunEachAsync(CniCommand.Del, call, cachedResult, Plugins.Reverse().ToList(), stopAtFailure: true);

    /// <summary>GC (1.1.0) of every plugin in order with <c>cni.dev/valid-attachments</c>.</summary>
    public Task<ListRun> GcAsync(Func<NetworkConfig, CniCall> call, IEnumerable<(string ContainerId, string IfName)> valid)
    {
        var keep = valid.ToList();
        return RunEachAsync(CniCommand.Gc, c => call(c.ValidAttachments(keep)), null, Plugins, stopAtFailure: false);
    }

    /// <summary>STATUS (1.1.0) of every plugin in order; the list is ready when every plugin is.</summary>
    public Task<ListRun> StatusAsync(Func<NetworkConfig, CniCall> call) =>
        RunEachAsync(CniCommand.Status, call, null, Plugins, stopAtFailure: true);

    private async Task<ListRun> RunEachAsync(string command, Func<NetworkConfig, CniCall> call, string? prevResult,
        IReadOnlyList<JsonObject> plugins, bool stopAtFailure)
    {
        var steps = new List<ListStep>();
        foreach (var plugin in plugins)
        {
            var config = ConfigOf(plugin, prevResult);
            var ex = await PluginFor(config.Type).InvokeAsync(command, call(config)).ConfigureAwait(false);
            steps.Add(new ListStep(config, ex));
            if (!ex.Succeeded && stopAtFailure) break;
        }
        return new ListRun(command, steps);
    }
}

/// <summary>One plugin's call within a list run.</summary>
public sealed record ListStep(NetworkConfig Config, CniExchange Exchange)
{
    public string Type => Config.Type;
}

/// <summary>The calls of one list command, in the order they ran.</summary>
public sealed record ListRun(string Command, IReadOnlyList<ListStep> Steps)
{
    public bool Succeeded => Steps.Count > 0 && Steps.All(s => s.Exchange.Succeeded);

    /// <summary>The list's result (ADD): the last plugin's stdout.</summary>
    public string Result => Steps[^1].Exchange.Stdout;

    public IEnumerable<string> Order => Steps.Select(s => s.Type);

    public string Describe() => string.Join("\n", Steps.Select(s =>
        $"{Command} {s.Type}: exit {s.Exchange.ExitCode} {s.Exchange.Stdout.Trim().ReplaceLineEndings(" ")} {s.Exchange.Stderr.Trim().ReplaceLineEndings(" ")}"));
}
