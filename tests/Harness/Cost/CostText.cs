using System.Globalization;
using System.Text;

namespace BashCni.Harness.Cost;

/// <summary>The suite's cost as run-tests.sh prints it at the end of a run and as the Markdown kept beside the TRX files.</summary>
public static class CostText
{
    public const int TopCount = 10;

    private static string F(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Line(LayerCost c) =>
        string.Format(CultureInfo.InvariantCulture, "{0}: wall {1} s, CPU {2} s ({3} cores), {4} tests summing {5} s, {6} processes started",
            c.Layer, F(c.WallSeconds), F(c.CpuSeconds), c.Cores.ToString("0.00", CultureInfo.InvariantCulture),
            c.Tests.Count, F(c.TestSeconds), c.Processes);

    /// <summary>One line per layer, then its <see cref="TopCount"/> most expensive tests.</summary>
    public static IEnumerable<string> Lines(IReadOnlyList<LayerCost> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        yield return "";
        yield return "Cost";
        foreach (var c in layers)
        {
            yield return "  " + Line(c);
            foreach (var t in c.Top(TopCount))
                yield return string.Format(CultureInfo.InvariantCulture, "    {0,7} s  {1}", F(t.Seconds), t.Name);
        }
        var wall = layers.Sum(l => l.WallSeconds);
        var cpu = layers.Sum(l => l.CpuSeconds);
        yield return string.Format(CultureInfo.InvariantCulture, "  all layers: wall {0} s, CPU {1} s", F(wall), F(cpu));
    }

    /// <summary>The same as a Markdown page: a table of layers, then each layer's most expensive tests.</summary>
    public static string Markdown(IReadOnlyList<LayerCost> layers, string title)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var sb = new StringBuilder();
        sb.Append("# ").AppendLine(title).AppendLine();
        sb.AppendLine("| layer | wall s | CPU s | cores | tests | test time s | processes |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var c in layers)
            sb.AppendLine(string.Format(CultureInfo.InvariantCulture, "| {0} | {1} | {2} | {3} | {4} | {5} | {6} |",
                c.Layer, F(c.WallSeconds), F(c.CpuSeconds), c.Cores.ToString("0.00", CultureInfo.InvariantCulture),
                c.Tests.Count, F(c.TestSeconds), c.Processes));
        foreach (var c in layers.Where(l => l.Tests.Count > 0))
        {
            sb.AppendLine().Append("## ").Append(c.Layer).AppendLine($": the {TopCount} most expensive tests").AppendLine();
            sb.AppendLine("| s | test |").AppendLine("|---:|---|");
            foreach (var t in c.Top(TopCount))
                sb.AppendLine(string.Format(CultureInfo.InvariantCulture, "| {0} | `{1}` |", F(t.Seconds), t.Name.Replace("|", "\\|", StringComparison.Ordinal)));
        }
        return sb.ToString();
    }
}
