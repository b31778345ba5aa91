using System.Text.Json;
using System.Text.Json.Nodes;

namespace BashCni.Harness.Cni;

/// <summary>Reading helpers for plugin output: typed access that fails with the JSON path in the message.</summary>
internal static class CniJson
{
    public static JsonObject ParseObject(string json, string what)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{what} is not valid JSON ({e.Message}): {Excerpt(json)}", e);
        }
        return node as JsonObject ?? throw new FormatException($"{what} is not a JSON object: {Excerpt(json)}");
    }

    public static bool TryParseObject(string? json, out JsonObject obj)
    {
        obj = null!;
        if (string.IsNullOrWhiteSpace(json)) return false;
        try
        {
            if (JsonNode.Parse(json) is JsonObject o) { obj = o; return true; }
        }
        catch (JsonException)
        {
        }
        return false;
    }

    public static string RequiredString(JsonObject obj, string key, string path) =>
        OptionalString(obj, key, path) ?? throw new FormatException($"{path}{key}: missing");

    public static string? OptionalString(JsonObject obj, string key, string path) => obj[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var other => throw new FormatException($"{path}{key}: expected a string, got {other.ToJsonString()}"),
    };

    public static int? OptionalInt(JsonObject obj, string key, string path) => obj[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && d == Math.Floor(d)
            && d is >= int.MinValue and <= int.MaxValue => (int)d,
        var other => throw new FormatException($"{path}{key}: expected an integer, got {other.ToJsonString()}"),
    };

    public static IEnumerable<(JsonObject Item, string Path)> Objects(JsonObject obj, string key, string path)
    {
        switch (obj[key])
        {
            case null:
                yield break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    yield return (array[i] as JsonObject ?? throw new FormatException($"{path}{key}[{i}]: expected an object"), $"{path}{key}[{i}].");
                break;
            default:
                throw new FormatException($"{path}{key}: expected an array");
        }
    }

    public static IReadOnlyList<string> Strings(JsonObject obj, string key, string path)
    {
        switch (obj[key])
        {
            case null:
                return [];
            case JsonArray array:
                var list = new List<string>();
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String) list.Add(v.GetValue<string>());
                    else throw new FormatException($"{path}{key}[{i}]: expected a string");
                }
                return list;
            default:
                throw new FormatException($"{path}{key}: expected an array of strings");
        }
    }

    public static string Excerpt(string? text, int max = 400) =>
        text is null ? "(null)" : text.Length <= max ? text : text[..max] + "…";
}
