using NUnit.Framework;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BashCni.Tests.Unit.Infra;

/// <summary>
/// The JSON form of a Terraform directory (as produced by tools/hcl2json.cjs: one object per file), merged:
/// resources, data sources, variables, outputs and locals, with just enough expression evaluation for the
/// invariants (<c>length(local.X)</c>, <c>local.X[count.index].Y</c>).
/// </summary>
internal sealed partial class TerraformModel
{
    private readonly List<JsonObject> _files;

    public TerraformModel(JsonObject converted)
    {
        ArgumentNullException.ThrowIfNull(converted);
        var files = converted["files"] as JsonObject ?? throw new FormatException("converter output has no 'files'");
        _files = files.Select(f => f.Value as JsonObject ?? []).ToList();
        FileNames = files.Select(f => f.Key).ToList();
    }

    public IReadOnlyList<string> FileNames { get; }

    /// <summary>(type, name, body) of every resource block.</summary>
    public IEnumerable<(string Type, string Name, JsonObject Body)> Resources => Blocks("resource");

    public IEnumerable<(string Type, string Name, JsonObject Body)> DataSources => Blocks("data");

    public IEnumerable<(string Type, string Name, JsonObject Body)> ResourcesOf(string type) => Resources.Where(r => r.Type == type);

    public IReadOnlyDictionary<string, JsonObject> Variables => Named("variable");

    public IReadOnlyDictionary<string, JsonObject> Outputs => Named("output");

    public JsonObject Locals
    {
        get
        {
            var merged = new JsonObject();
            foreach (var file in _files)
                if (file["locals"] is JsonArray list)
                    foreach (var block in list.OfType<JsonObject>())
                        foreach (var (key, value) in block)
                            merged[key] = value?.DeepClone();
            return merged;
        }
    }

    /// <summary>A resource's count: absent → 1, a number, or <c>${length(local.X)}</c>.</summary>
    public int CountOf(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var count = body["count"];
        if (count is null) return 1;
        if (count.GetValueKind() == System.Text.Json.JsonValueKind.Number) return count.GetValue<int>();
        var text = count.GetValue<string>();
        var m = LengthOfLocal().Match(text);
        if (m.Success && Locals[m.Groups[1].Value] is JsonArray list) return list.Count;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
        throw new FormatException($"cannot evaluate count '{text}'");
    }

    /// <summary>The value of an attribute for one index of a counted resource: literals as they are,
    /// <c>${local.X[count.index].Y}</c> looked up; other expressions returned as written.</summary>
    public string ValueAt(JsonNode? value, int index)
    {
        var text = value?.ToString() ?? "";
        var m = IndexedLocal().Match(text);
        if (m.Success && Locals[m.Groups[1].Value] is JsonArray list && index < list.Count)
            return list[index]?[m.Groups[2].Value]?.ToString() ?? "";
        return text;
    }

    private IEnumerable<(string Type, string Name, JsonObject Body)> Blocks(string kind)
    {
        foreach (var file in _files)
            if (file[kind] is JsonObject types)
                foreach (var (type, names) in types)
                    if (names is JsonObject byName)
                        foreach (var (name, bodies) in byName)
                            if (bodies is JsonArray list)
                                foreach (var body in list.OfType<JsonObject>())
                                    yield return (type, name, body);
    }

    private Dictionary<string, JsonObject> Named(string kind)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var file in _files)
            if (file[kind] is JsonObject named)
                foreach (var (name, bodies) in named)
                    result[name] = (bodies as JsonArray)?.OfType<JsonObject>().FirstOrDefault() ?? [];
        return result;
    }

    [GeneratedRegex(@"^\$\{length\(local\.(\w+)\)\}$")]
    private static partial Regex LengthOfLocal();

    [GeneratedRegex(@"^\$\{local\.(\w+)\[count\.index\]\.(\w+)\}$")]
    private static partial Regex IndexedLocal();
}
