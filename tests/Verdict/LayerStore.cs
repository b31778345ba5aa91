using System.Text.Json;
using BashCni.Harness.Verdict;

namespace BashCni.Verdict;

/// <summary>The run's layer verdicts between invocations: one JSON file per layer in the run's verdict directory.</summary>
internal static class LayerStore
{
    public static void Save(string dir, LayerVerdict verdict)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, verdict.Layer + ".json"), JsonSerializer.Serialize(verdict));
    }

    /// <summary>The verdicts of <paramref name="layers"/>, in that order; a layer that recorded none is red.</summary>
    public static List<LayerVerdict> Load(string dir, IEnumerable<string> layers) =>
        layers.Select(layer =>
        {
            var path = Path.Combine(dir, layer + ".json");
            return File.Exists(path)
                ? JsonSerializer.Deserialize<LayerVerdict>(File.ReadAllText(path)) ?? throw new InvalidOperationException($"{path} is empty")
                : new LayerVerdict(layer, 0, 0, 0, ["no verdict was recorded for this layer"], [], true);
        }).ToList();
}
