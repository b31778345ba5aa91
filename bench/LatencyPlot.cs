using ScottPlot;

namespace BashCni.Bench;

/// <summary>
/// Draws results/latency.png: the cumulative distribution of ADD and DEL latency on the empty /24 (top) and the
/// ADD latency spread in every scenario (bottom, boxes p25–p75 with the median, whiskers p5–p95, on a log scale
/// because a nearly full store can make one plugin many times slower than the other).
/// </summary>
public static class LatencyPlot
{
    private static readonly Color OursColor = Color.FromHex("#1f77b4");
    private static readonly Color RefColor = Color.FromHex("#ff7f0e");

    public static void Save(BenchReport report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        var multiplot = new Multiplot(Distribution(report));
        multiplot.AddPlot(Spread(report));
        multiplot.SavePng(path, 1200, 1100);
    }

    private static Plot Distribution(BenchReport report)
    {
        var plot = new Plot();
        var results = report.Scenario(BenchScenario.Empty24.Key).Results;
        foreach (var (key, color) in new[] { (Contender.OursKey, OursColor), (Contender.ReferenceKey, RefColor) })
        {
            var r = results[key];
            AddCdf(plot, r.AddSamplesMs, color, LinePattern.Solid, $"{key} ADD");
            AddCdf(plot, r.DelSamplesMs, color, LinePattern.Dashed, $"{key} DEL");
        }
        // Outliers of a loaded machine would squeeze the curves: the axis ends past the slowest p98.
        var right = Math.Max(1, results.Values.SelectMany(r => new[] { r.AddSamplesMs, r.DelSamplesMs })
            .Where(v => v.Count > 0).Select(v => LatencyStats.Percentile(v.Order().ToList(), 98)).DefaultIfEmpty(1).Max() * 1.25);
        var cut = MaxOf(results.Values.SelectMany(r => r.AddSamplesMs.Concat(r.DelSamplesMs))) > right ? "; slowest calls beyond the right edge" : "";
        plot.Title($"ADD / DEL latency distribution, empty /24 (plugin wall time, N={report.Settings.Iterations} each{cut})");
        plot.XLabel("latency (ms)");
        plot.YLabel("share of calls ≤ latency (%)");
        plot.Axes.SetLimitsY(0, 100);
        plot.Axes.SetLimitsX(0, right);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    private static void AddCdf(Plot plot, IReadOnlyList<double> samples, Color color, LinePattern pattern, string label)
    {
        if (samples.Count == 0) return;
        var xs = samples.Order().ToArray();
        var ys = Enumerable.Range(1, xs.Length).Select(i => 100.0 * i / xs.Length).ToArray();
        var line = plot.Add.ScatterLine(xs, ys, color);
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.LegendText = label;
        line.ConnectStyle = ConnectStyle.StepHorizontal;
    }

    private static Plot Spread(BenchReport report)
    {
        var plot = new Plot();
        var ticks = new List<(double Position, string Label)>();
        var oursBoxes = new List<Box>();
        var refBoxes = new List<Box>();
        var slot = 0;
        foreach (var scenario in report.Scenarios)
        {
            ticks.Add((slot * 3 + 0.5, "ADD, " + scenario.Title));
            oursBoxes.Add(BoxOf(scenario.Results[Contender.OursKey].AddSamplesMs, slot * 3));
            refBoxes.Add(BoxOf(scenario.Results[Contender.ReferenceKey].AddSamplesMs, slot * 3 + 1));
            slot++;
        }
        var e24 = report.Scenario(BenchScenario.Empty24.Key).Results;
        ticks.Add((slot * 3 + 0.5, "DEL, empty /24"));
        oursBoxes.Add(BoxOf(e24[Contender.OursKey].DelSamplesMs, slot * 3));
        refBoxes.Add(BoxOf(e24[Contender.ReferenceKey].DelSamplesMs, slot * 3 + 1));

        var ours = plot.Add.Boxes(oursBoxes.Where(b => b.IsVisible).ToList());
        ours.FillColor = OursColor.WithAlpha(0.6);
        ours.LegendText = Contender.OursKey;
        var reference = plot.Add.Boxes(refBoxes.Where(b => b.IsVisible).ToList());
        reference.FillColor = RefColor.WithAlpha(0.6);
        reference.LegendText = Contender.ReferenceKey;
        plot.Axes.Bottom.SetTicks(ticks.Select(t => t.Position).ToArray(), ticks.Select(t => t.Label).ToArray());
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Title("Latency per scenario (box p25–p75 with median, whiskers p5–p95; log scale)");
        plot.YLabel("latency (ms)");
        var visible = oursBoxes.Concat(refBoxes).Where(b => b.IsVisible).ToList();
        var low = visible.Select(b => b.WhiskerMin ?? 0).DefaultIfEmpty(0).Min();
        var high = visible.Select(b => b.WhiskerMax ?? 1).DefaultIfEmpty(1).Max();
        var logTicks = LogTicks.Where(t => Math.Log10(t) >= low - 0.3 && Math.Log10(t) <= high + 0.3).ToArray();
        plot.Axes.Left.SetTicks(logTicks.Select(Math.Log10).ToArray(),
            logTicks.Select(t => t.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.SetLimitsY(low - 0.1, high + 0.1);
        plot.Axes.SetLimitsX(-1, slot * 3 + 2);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static readonly double[] LogTicks = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000];

    /// <summary>A box over log10 of the samples (non-positive samples are clamped to 0.01 ms).</summary>
    private static Box BoxOf(IReadOnlyList<double> samples, double position)
    {
        if (samples.Count == 0) return new Box { Position = position, IsVisible = false };
        var sorted = samples.Select(v => Math.Log10(Math.Max(v, 0.01))).Order().ToArray();
        return new Box
        {
            Position = position,
            Width = 0.8,
            BoxMin = LatencyStats.Percentile(sorted, 25),
            BoxMax = LatencyStats.Percentile(sorted, 75),
            BoxMiddle = LatencyStats.Percentile(sorted, 50),
            WhiskerMin = LatencyStats.Percentile(sorted, 5),
            WhiskerMax = LatencyStats.Percentile(sorted, 95),
        };
    }

    private static double MaxOf(IEnumerable<double> values) => values.DefaultIfEmpty(1).Max();
}
