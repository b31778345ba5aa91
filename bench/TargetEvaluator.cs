using System.Globalization;

namespace BashCni.Bench;

/// <summary>The benchmark's targets, evaluated on a report (reported, never asserted).</summary>
public static class TargetEvaluator
{
    public static IReadOnlyList<TargetReport> Evaluate(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var empty24 = report.Scenario(BenchScenario.Empty24.Key).Results;
        var full16 = report.Scenario("full-16");
        var ours = empty24[Contender.OursKey];
        var reference = empty24[Contender.ReferenceKey];
        var targets = new List<TargetReport>
        {
            Ratio("ADD p50, bash-cni / reference (empty /24)", ours.Add.P50, reference.Add.P50, 1.0),
            Ratio("DEL p50, bash-cni / reference (empty /24)", ours.Del.P50, reference.Del.P50, 1.0),
            Ratio($"ADD p50 on the {full16.Title} / on the empty /24 (bash-cni)", full16.Results[Contender.OursKey].Add.P50, ours.Add.P50, 1.2),
        };
        if (report.Parallel.TryGetValue(Contender.OursKey, out var parallel))
        {
            var ok = parallel.Failures == 0 && parallel.Distinct == parallel.Count;
            targets.Add(new TargetReport($"{parallel.Count} parallel ADDs all distinct (bash-cni)",
                $"{parallel.Distinct}/{parallel.Count} distinct, {parallel.Failures} failed", "all distinct, none failed", ok));
        }
        return targets;
    }

    private static TargetReport Ratio(string name, double value, double basis, double limit)
    {
        var ratio = value / basis;
        var known = double.IsFinite(ratio);
        return new TargetReport(name,
            known ? string.Create(CultureInfo.InvariantCulture, $"{ratio:F2}× ({value:F1} / {basis:F1} ms)") : "not measured",
            string.Create(CultureInfo.InvariantCulture, $"≤ {limit:F1}×"), known ? ratio <= limit : null);
    }
}
