namespace BashCni.Bench;

/// <summary>Everything one benchmark run measured; serialized as results/latest.json.</summary>
public sealed record BenchReport
{
    public required DateTimeOffset Date { get; init; }

    public required MachineInfo Machine { get; init; }

    public required RunSettings Settings { get; init; }

    /// <summary>What the numbers mean and what may distort them.</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>Contender key → what it is (plugin, version, config).</summary>
    public required IReadOnlyDictionary<string, string> Contenders { get; init; }

    public required IReadOnlyList<ScenarioReport> Scenarios { get; init; }

    /// <summary>Contender key → the parallel ADD run.</summary>
    public required IReadOnlyDictionary<string, ParallelReport> Parallel { get; init; }

    /// <summary>Contender key → processes per call.</summary>
    public required IReadOnlyDictionary<string, SpawnReport> Spawns { get; init; }

    public required IReadOnlyList<TargetReport> Targets { get; init; }

    public required double ElapsedSeconds { get; init; }

    public ScenarioReport Scenario(string key) => Scenarios.First(s => s.Key == key);
}

/// <summary>Where the run happened (the machine is shared: the load averages say how busy it was).</summary>
public sealed record MachineInfo(string Host, string Cpu, int Cores, string Kernel, string Os, string LoadBefore, string LoadAfter,
    string OursRevision, string ReferenceVersion);

/// <summary>The settings a run used.</summary>
public sealed record RunSettings(int Iterations, int Warmup, int Parallel, int Prefill, int SpawnRuns, double BudgetSeconds,
    bool Quick, string PluginDir, string ReferenceDir, string CommandLine);

/// <summary>One scenario's per-contender results.</summary>
public sealed record ScenarioReport(string Key, string Title, string Subnet, int Taken, bool StoppedEarly,
    IReadOnlyDictionary<string, ContenderReport> Results);

/// <summary>
/// One contender in one scenario: ADD/DEL latency of the plugin itself and through the harness, the CPU time
/// (user + system, plugin and children) the calls used, reservations left
/// behind after every pair was deleted (should be 0), first failure message, and the raw plugin-time samples.
/// </summary>
public sealed record ContenderReport(LatencyStats Add, LatencyStats Del, LatencyStats AddViaHarness, LatencyStats DelViaHarness,
    LatencyStats AddCpu, LatencyStats DelCpu, int LeftoverReservations, string? FirstError, IReadOnlyList<double> AddSamplesMs, IReadOnlyList<double> DelSamplesMs);

/// <summary>
/// P ADDs started at once: wall time through the harness, span of the plugins themselves (first start to last
/// end), throughput over that span, distinct addresses handed out, failures; then the P DELs at once.
/// </summary>
public sealed record ParallelReport(int Count, double WallMs, double SpanMs, double AddsPerSecond, int Distinct, int Failures,
    double DelWallMs, double DelSpanMs, int DelFailures, int LeftoverReservations, string? FirstError);

/// <summary>Processes per ADD and per DEL (each the median over the traced runs, with every run's value).</summary>
public sealed record SpawnReport(double AddExecs, double AddProcesses, double DelExecs, double DelProcesses,
    IReadOnlyList<SpawnCount> AddRuns, IReadOnlyList<SpawnCount> DelRuns);

/// <summary>A target of the benchmark, reported (never asserted): the measured ratio/value against its limit.</summary>
public sealed record TargetReport(string Name, string Measured, string Limit, bool? Met);
