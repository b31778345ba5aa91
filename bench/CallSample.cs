namespace BashCni.Bench;

/// <summary>
/// One timed plugin call: the plugin's own wall time (shim), the time through the harness (nsenter + ip netns exec
/// + shim + plugin), its exit code, the address it assigned (ADD) and the CNI error message if it failed.
/// </summary>
public sealed record CallSample(double PluginMs, double HarnessMs, int ExitCode, string? Address = null, string? Error = null)
{
    /// <summary>When the plugin started and ended (epoch µs, from the shim; 0 if it did not report).</summary>
    public long StartUs { get; init; }

    public long EndUs { get; init; }

    /// <summary>CPU time (ms, user + system) of the plugin and its children; NaN if not reported.</summary>
    public double CpuMs { get; init; } = double.NaN;

    public bool Ok => ExitCode == 0;
}

/// <summary>The ADD and DEL samples of one plugin in one scenario.</summary>
public sealed class ContenderSamples
{
    public List<CallSample> Add { get; } = [];

    public List<CallSample> Del { get; } = [];

    public LatencyStats AddStats => Stats(Add, s => s.PluginMs);

    public LatencyStats DelStats => Stats(Del, s => s.PluginMs);

    public LatencyStats AddCpuStats => Stats(Add, s => s.CpuMs);

    public LatencyStats DelCpuStats => Stats(Del, s => s.CpuMs);

    public LatencyStats AddHarnessStats => Stats(Add, s => s.HarnessMs);

    public LatencyStats DelHarnessStats => Stats(Del, s => s.HarnessMs);

    private static LatencyStats Stats(List<CallSample> samples, Func<CallSample, double> pick) =>
        LatencyStats.Of(samples.Where(s => s.Ok).Select(pick).ToList(), samples.Count(s => !s.Ok));
}
