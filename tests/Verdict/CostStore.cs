using System.Text.Json;
using BashCni.Harness.Cost;

namespace BashCni.Verdict;

/// <summary>The run's layer costs between invocations: one JSON file per layer under the run's verdict directory.</summary>
internal static class CostStore
{
    private static string Dir(string outDir) => Path.Combine(outDir, "cost");

    public static void Save(string outDir, LayerCost cost)
    {
        Directory.CreateDirectory(Dir(outDir));
        File.WriteAllText(Path.Combine(Dir(outDir), cost.Layer + ".json"), JsonSerializer.Serialize(cost));
    }

    /// <summary>The costs recorded for <paramref name="layers"/>, in that order; a layer that recorded none is left out.</summary>
    public static List<LayerCost> Load(string outDir, IEnumerable<string> layers) =>
        layers.Select(layer => Path.Combine(Dir(outDir), layer + ".json"))
            .Where(File.Exists)
            .Select(path => JsonSerializer.Deserialize<LayerCost>(File.ReadAllText(path)) ?? throw new InvalidOperationException($"{path} is empty"))
            .ToList();
}
