using System.Text.Json;
using System.Text.Json.Nodes;
using BashCni.Harness;

namespace BashCni.Tests.Netns.BadInput;

/// <summary>
/// One case of fixtures/bad-input (see its README.md): the command, env overrides (null removes a variable), either
/// raw stdin or patches applied to the profile's valid config, the error code expected, and optionally a word the
/// error's msg must contain (msgNames: the field at fault, so an error names what to fix).
/// Placeholders in strings: {{canary}} (a file that must never appear), {{netns}} (the case's pod netns path).
/// </summary>
public sealed record BadInputCase(
    string Name,
    string Description,
    string Command,
    IReadOnlyDictionary<string, string?> Env,
    string? StdinRaw,
    JsonObject? Patch,
    JsonObject? IpamPatch,
    int ExpectedCode,
    IReadOnlyList<int> AcceptedCodes,
    int? SpecCode,
    string? MsgNames = null)
{
    public static string Directory => RepoPaths.Fixture("bad-input");

    public static IReadOnlyList<BadInputCase> LoadAll() =>
        System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal).Select(Load).ToList();

    public static BadInputCase Load(string path)
    {
        var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException($"{path}: not an object");
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (root["env"] is JsonObject e)
            foreach (var (k, v) in e) env[k] = v?.GetValue<string>();
        var expected = root["expectedCode"]?.GetValue<int>() ?? throw new FormatException($"{path}: expectedCode missing");
        var accepted = (root["acceptedCodes"] as JsonArray)?.Select(x => x!.GetValue<int>()).ToList() ?? [expected];
        int? spec = root["specCode"] is JsonValue sv && sv.TryGetValue<int>(out var sc) ? sc : null;
        return new BadInputCase(
            Path.GetFileNameWithoutExtension(path),
            root["description"]?.GetValue<string>() ?? "",
            root["command"]?.GetValue<string>() ?? "ADD",
            env,
            root["stdinRaw"]?.GetValue<string>(),
            root["patch"]?.DeepClone() as JsonObject,
            root["ipamPatch"]?.DeepClone() as JsonObject,
            expected,
            accepted.Contains(expected) ? accepted : [expected, .. accepted],
            spec,
            root["msgNames"]?.GetValue<string>());
    }

    /// <summary>Replaces the placeholders in every string of a JSON tree.</summary>
    public static JsonNode? Fill(JsonNode? node, IReadOnlyDictionary<string, string> values)
    {
        if (node is null) return null;
        var text = node.ToJsonString();
        foreach (var (key, value) in values)
            text = text.Replace("{{" + key + "}}", JsonEncodedText.Encode(value).ToString(), StringComparison.Ordinal);
        return JsonNode.Parse(text);
    }

    public static string? Fill(string? s, IReadOnlyDictionary<string, string> values)
    {
        if (s is null) return null;
        foreach (var (key, value) in values) s = s.Replace("{{" + key + "}}", value, StringComparison.Ordinal);
        return s;
    }

    public override string ToString() => Name;
}
