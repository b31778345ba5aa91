namespace BashCni.Harness.Cost;

/// <summary>
/// What one layer of a run cost: wall time from its start to its verdict; the CPU time of every process it started
/// and waited for (user + system, from the run's shell, so the test host, the plugin and every tool it ran); the
/// processes the machine started meanwhile (on a quiet machine, the layer's); its tests' own times from the TRX.
/// </summary>
public sealed record LayerCost(string Layer, double WallSeconds, double CpuSeconds, long Processes, IReadOnlyList<TestCost> Tests)
{
    /// <summary>The sum of the tests' own times: above the wall time when tests ran in parallel.</summary>
    public double TestSeconds => Tests.Sum(t => t.Seconds);

    /// <summary>Cores busy on average: CPU time over wall time.</summary>
    public double Cores => WallSeconds > 0 ? CpuSeconds / WallSeconds : 0;

    /// <summary>The <paramref name="n"/> most expensive tests, the longest first (ties by name, for a stable order).</summary>
    public IReadOnlyList<TestCost> Top(int n) =>
        Tests.OrderByDescending(t => t.Seconds).ThenBy(t => t.Name, StringComparer.Ordinal).Take(n).ToList();
}
