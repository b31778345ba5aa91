namespace BashCni.Bench;

/// <summary>Summary of one set of latencies (milliseconds) of successful calls, plus how many calls failed.</summary>
public sealed record LatencyStats(int Count, int Failures, double Min, double P50, double P95, double P99, double Max, double Mean)
{
    public static LatencyStats Empty { get; } = new(0, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    public static LatencyStats Of(IReadOnlyCollection<double> values, int failures = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return Empty with { Failures = failures };
        var sorted = values.Order().ToArray();
        return new LatencyStats(sorted.Length, failures, sorted[0], Percentile(sorted, 50), Percentile(sorted, 95),
            Percentile(sorted, 99), sorted[^1], sorted.Average());
    }

    /// <summary>The p-th percentile of sorted values, interpolated linearly between the closest ranks.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0) return double.NaN;
        var rank = p / 100.0 * (sorted.Count - 1);
        var lower = (int)Math.Floor(rank);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + ((rank - lower) * (sorted[upper] - sorted[lower]));
    }
}
