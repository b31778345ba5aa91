using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;

namespace BashCni.Bench;

/// <summary>
/// Runs the benchmark inside a sandbox: one node namespace, bash-cni (lab config) and the reference bridge +
/// host-local side by side on the same bridge and subnets, interleaved call by call.
/// </summary>
public sealed class BenchRunner(BenchOptions options, TextWriter log)
{
    private const string NetworkName = "mynet";
    private const string ShimRoot = "/opt/cni/bin/bench";
    private const string StoreRoot = "/var/lib/cni/bench";
    private const string TraceRoot = "/var/log/bench";

    private readonly BenchOptions _options = options;
    private readonly TextWriter _log = log;

    public async Task<BenchReport> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var loadBefore = MachineProbe.LoadAverage();
        await using var sandbox = await SandboxHost.StartAsync(cancellationToken).ConfigureAwait(false);
        await using var node = await BenchNode.CreateAsync(sandbox.Runner, cancellationToken).ConfigureAwait(false);
        _log.WriteLine($"sandbox up (anchor pid {sandbox.AnchorPid}), node namespace '{BenchNode.Name}' with eth0 uplink");

        var contenders = await CreateContendersAsync(node, cancellationToken).ConfigureAwait(false);
        var poolSize = Math.Max(Math.Max(_options.Iterations, _options.Parallel), 1);
        var pods = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var c in contenders)
            pods[c.Key] = await node.CreatePodsAsync(c.PodPrefix, poolSize, cancellationToken).ConfigureAwait(false);

        List<BenchScenario> scenarios =
            [BenchScenario.Empty24, BenchScenario.Empty16, BenchScenario.Full16(_options.Prefill), BenchScenario.Full24];
        var scenarioReports = new List<ScenarioReport>();
        foreach (var scenario in scenarios)
            scenarioReports.Add(await RunScenarioAsync(node, contenders, pods, scenario, cancellationToken).ConfigureAwait(false));

        var spawns = new Dictionary<string, SpawnReport>(StringComparer.Ordinal);
        if (_options.SpawnRuns > 0)
            foreach (var c in contenders)
                spawns[c.Key] = await CountSpawnsAsync(node, c, pods[c.Key], cancellationToken).ConfigureAwait(false);

        var parallel = new Dictionary<string, ParallelReport>(StringComparer.Ordinal);
        foreach (var c in contenders)
            parallel[c.Key] = await RunParallelAsync(node, c, pods[c.Key], cancellationToken).ConfigureAwait(false);

        var machine = await MachineProbe.DescribeAsync(loadBefore, _options, cancellationToken).ConfigureAwait(false);
        var report = new BenchReport
        {
            Date = DateTimeOffset.UtcNow,
            Machine = machine,
            Settings = new RunSettings(_options.Iterations, BenchOptions.WarmupRuns, _options.Parallel, _options.Prefill,
                _options.SpawnRuns, _options.ScenarioBudget.TotalSeconds, _options.Quick, _options.PluginDir, _options.ReferenceDir,
                string.Join(' ', Environment.GetCommandLineArgs().Skip(1))),
            Notes = Notes(),
            Contenders = contenders.ToDictionary(c => c.Key, c => c.Title, StringComparer.Ordinal),
            Scenarios = scenarioReports,
            Parallel = parallel,
            Spawns = spawns,
            Targets = [],
            ElapsedSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
        return report with { Targets = TargetEvaluator.Evaluate(report) };
    }

    private static IReadOnlyList<string> Notes() =>
    [
        "Latencies are the plugin's own wall time (fork/exec to exit, measured by a shim inside the node namespace). " +
        "The harness path (nsenter into the sandbox + ip netns exec into the node) adds the same overhead to both plugins; " +
        "it is reported separately as 'via harness'. CPU time (user + system of the plugin and its children) is shown too: " +
        "it depends far less on other load than wall time.",
        "Calls are interleaved (bash-cni, reference, reference, bash-cni, ...) on the same node, bridge and subnet; each " +
        "ADD is followed by its DEL, so the store keeps the scenario's fill level (in the full /16 only the first 5 are; " +
        "the other pods are removed with their namespaces). ipMasq is off for the reference.",
        "Process counts come from strace -f (execve, fork/vfork/clone without CLONE_THREAD) and include the plugin itself.",
        "The machine is shared (2 cores, other jobs running): absolute numbers are noisy; ratios of interleaved runs are the signal.",
    ];

    private async Task<IReadOnlyList<Contender>> CreateContendersAsync(BenchNode node, CancellationToken cancellationToken)
    {
        var oursBinary = Path.Combine(_options.PluginDir, "bash-cni");
        var refBinary = Path.Combine(_options.ReferenceDir, "bridge");
        await node.WriteExecutableAsync($"{ShimRoot}/ours/bash-cni", TimingShim.For(oursBinary), cancellationToken).ConfigureAwait(false);
        await node.WriteExecutableAsync($"{ShimRoot}/ref/bridge", TimingShim.For(refBinary), cancellationToken).ConfigureAwait(false);
        var ours = new CniPlugin($"{ShimRoot}/ours", "bash-cni", node.Runner) { NodeNetNs = BenchNode.Name, CniPath = _options.PluginDir };
        var reference = new CniPlugin($"{ShimRoot}/ref", "bridge", node.Runner) { NodeNetNs = BenchNode.Name, CniPath = _options.ReferenceDir };
        return
        [
            new Contender(Contender.OursKey, $"bash-cni ({oursBinary}), lab config, built-in bash-cni-ipam", ours, "bp-ours", Contender.OursConfig),
            new Contender(Contender.ReferenceKey, $"reference bridge + host-local ({_options.ReferenceDir}), isGateway, ipMasq off",
                reference, "bp-ref", Contender.ReferenceConfig),
        ];
    }

    private static string StoreDir(BenchScenario scenario, Contender contender) => $"{StoreRoot}/{scenario.Key}/{contender.Key}";

    private async Task<ScenarioReport> RunScenarioAsync(BenchNode node, IReadOnlyList<Contender> contenders,
        IReadOnlyDictionary<string, IReadOnlyList<string>> pods, BenchScenario scenario, CancellationToken cancellationToken)
    {
        _log.WriteLine($"scenario {scenario.Title} ({scenario.Subnet}): preparing");
        await node.ResetBridgeAsync(scenario.GatewayCidr, cancellationToken).ConfigureAwait(false);
        var dataDirs = contenders.Select(c => StoreDir(scenario, c)).ToList();
        await node.PrepareStoreAsync(dataDirs[0], NetworkName, scenario.FirstAllocatable, scenario.Taken, dataDirs.Skip(1).ToList(),
            cancellationToken).ConfigureAwait(false);

        var samples = contenders.ToDictionary(c => c.Key, _ => new ContenderSamples(), StringComparer.Ordinal);
        for (var w = 0; w < BenchOptions.WarmupRuns; w++)
            foreach (var c in contenders)
                await PairAsync(c, pods[c.Key][0], c.ConfigFor(scenario, StoreDir(scenario, c)), null, cancellationToken).ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        var stoppedEarly = false;
        var kept = contenders.ToDictionary(c => c.Key, _ => new List<string>(), StringComparer.Ordinal);
        var keptReservations = contenders.ToDictionary(c => c.Key, _ => 0, StringComparer.Ordinal);
        for (var i = 0; i < _options.Iterations; i++)
        {
            if (i >= BenchOptions.MinimumSamples && clock.Elapsed > _options.ScenarioBudget)
            {
                stoppedEarly = true;
                break;
            }
            var withDel = i < (scenario.DelSamples ?? int.MaxValue);
            var order = i % 2 == 0 ? contenders : contenders.Reverse();
            foreach (var c in order)
            {
                var pod = pods[c.Key][i];
                var config = c.ConfigFor(scenario, StoreDir(scenario, c));
                if (withDel)
                {
                    await PairAsync(c, pod, config, samples[c.Key], cancellationToken).ConfigureAwait(false);
                    continue;
                }
                var add = await CallAsync(c, CniCommand.Add, NewCall(pod, config), cancellationToken).ConfigureAwait(false);
                samples[c.Key].Add.Add(add);
                kept[c.Key].Add(pod);
                if (add.Ok) keptReservations[c.Key]++;
            }
        }

        var results = new Dictionary<string, ContenderReport>(StringComparer.Ordinal);
        foreach (var c in contenders)
        {
            var s = samples[c.Key];
            var left = await node.CountReservationsAsync($"{StoreDir(scenario, c)}/{NetworkName}", cancellationToken).ConfigureAwait(false)
                       - keptReservations[c.Key];
            await node.RecyclePodsAsync(kept[c.Key], cancellationToken).ConfigureAwait(false);
            var firstError = s.Add.Concat(s.Del).FirstOrDefault(x => !x.Ok)?.Error;
            results[c.Key] = new ContenderReport(s.AddStats, s.DelStats, s.AddHarnessStats, s.DelHarnessStats, s.AddCpuStats, s.DelCpuStats,
                left - scenario.Taken,
                firstError, s.Add.Where(x => x.Ok).Select(x => Math.Round(x.PluginMs, 3)).ToList(),
                s.Del.Where(x => x.Ok).Select(x => Math.Round(x.PluginMs, 3)).ToList());
            _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {c.Key,-9} ADD p50 {s.AddStats.P50,7:F1} ms (cpu {s.AddCpuStats.P50,5:F1})  DEL p50 {s.DelStats.P50,7:F1} ms (cpu {s.DelCpuStats.P50,5:F1})  (n={s.AddStats.Count}, failures {s.AddStats.Failures + s.DelStats.Failures}, leftover {left - scenario.Taken}){(firstError is null ? "" : "; first failure: " + firstError)}"));
        }
        foreach (var dir in contenders.Select(c => StoreDir(scenario, c)))
            await node.RemoveTreeAsync(dir, cancellationToken).ConfigureAwait(false);
        if (stoppedEarly) _log.WriteLine($"  stopped early after {_options.ScenarioBudget.TotalSeconds:F0} s budget");
        return new ScenarioReport(scenario.Key, scenario.Title, scenario.Subnet, scenario.Taken, stoppedEarly, results);
    }

    /// <summary>One ADD and its DEL for a fresh container ID in <paramref name="pod"/>; recorded when <paramref name="into"/> is set.</summary>
    private static async Task PairAsync(Contender contender, string pod, NetworkConfig config, ContenderSamples? into,
        CancellationToken cancellationToken)
    {
        var call = NewCall(pod, config);
        var add = await CallAsync(contender, CniCommand.Add, call, cancellationToken).ConfigureAwait(false);
        var del = await CallAsync(contender, CniCommand.Del, call, cancellationToken).ConfigureAwait(false);
        into?.Add.Add(add);
        into?.Del.Add(del);
    }

    /// <summary>A kubelet-like call: 64-hex container ID, /run/netns/POD, eth0, K8S_* CNI_ARGS.</summary>
    private static CniCall NewCall(string pod, NetworkConfig config)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return new CniCall(id, BenchNode.NetNsPath(pod), "eth0", config)
        {
            Args = CniCall.FormatArgs(("IgnoreUnknown", "1"), ("K8S_POD_NAMESPACE", "bench"), ("K8S_POD_NAME", pod),
                ("K8S_POD_INFRA_CONTAINER_ID", id), ("K8S_POD_UID", Guid.NewGuid().ToString())),
        };
    }

    private static async Task<CallSample> CallAsync(Contender contender, string command, CniCall call, CancellationToken cancellationToken)
    {
        var exchange = await contender.Plugin.InvokeAsync(command, call, cancellationToken).ConfigureAwait(false);
        var shim = TimingShim.Read(exchange.Stderr);
        string? address = null;
        string? error = null;
        if (!exchange.Succeeded)
        {
            error = exchange.Error is { } e ? $"code {e.Code}: {e.Msg}" : $"exit {exchange.ExitCode}: {Excerpt(exchange.Stdout + exchange.Stderr)}";
        }
        else if (command == CniCommand.Add)
        {
            try
            {
                address = exchange.Result?.Ips.FirstOrDefault()?.Address;
                if (address is null) error = "ADD result has no ips";
            }
            catch (CniProtocolException ex)
            {
                error = ex.Message;
            }
        }
        if (shim is null) error ??= "the timing shim did not report (plugin not started?): " + Excerpt(exchange.Stderr);
        var exit = error is not null && exchange.ExitCode == 0 ? -1 : exchange.ExitCode;
        var pluginMs = shim is { } t ? (t.End - t.Start) / 1000.0 : double.NaN;
        return new CallSample(pluginMs, exchange.Duration.TotalMilliseconds, exit, address, error)
        {
            StartUs = shim?.Start ?? 0,
            EndUs = shim?.End ?? 0,
            CpuMs = TimingShim.ReadCpu(exchange.Stderr) ?? double.NaN,
        };
    }

    private static string Excerpt(string text)
    {
        var t = text.Trim();
        return t.Length <= 300 ? t : t[..300] + "…";
    }

    private async Task<SpawnReport> CountSpawnsAsync(BenchNode node, Contender contender, IReadOnlyList<string> pods,
        CancellationToken cancellationToken)
    {
        _log.WriteLine($"process counts for {contender.Key} (strace, {_options.SpawnRuns} run(s))");
        var scenario = BenchScenario.Empty24;
        await node.ResetBridgeAsync(scenario.GatewayCidr, cancellationToken).ConfigureAwait(false);
        var dataDir = StoreDir(scenario, contender);
        await node.PrepareStoreAsync(dataDir, NetworkName, scenario.FirstAllocatable, 0, [], cancellationToken).ConfigureAwait(false);
        var config = contender.ConfigFor(scenario, dataDir);
        await node.Runner.RunCheckedAsync("mkdir", ["-p", TraceRoot], null, cancellationToken).ConfigureAwait(false);
        var adds = new List<SpawnCount>();
        var dels = new List<SpawnCount>();
        for (var r = 0; r < _options.SpawnRuns; r++)
        {
            var call = NewCall(pods[r % pods.Count], config);
            foreach (var (command, into) in new[] { (CniCommand.Add, adds), (CniCommand.Del, dels) })
            {
                var trace = $"{TraceRoot}/{contender.Key}-{command}-{r.ToString(CultureInfo.InvariantCulture)}.trace";
                var sample = await CallAsync(contender, command, call.WithEnv("BENCH_TRACE", trace), cancellationToken).ConfigureAwait(false);
                if (!sample.Ok) throw new InvalidOperationException($"{contender.Key} {command} under strace failed: {sample.Error}");
                into.Add(SpawnCount.Parse(await node.ReadFileAsync(trace, cancellationToken).ConfigureAwait(false)));
            }
        }
        await node.RemoveTreeAsync(dataDir, cancellationToken).ConfigureAwait(false);
        await node.RemoveTreeAsync(TraceRoot, cancellationToken).ConfigureAwait(false);
        var report = new SpawnReport(Median(adds.Select(a => a.Execs)), Median(adds.Select(a => a.Processes)),
            Median(dels.Select(d => d.Execs)), Median(dels.Select(d => d.Processes)), adds, dels);
        _log.WriteLine($"  ADD: {report.AddExecs} execve, {report.AddProcesses} processes; DEL: {report.DelExecs} execve, {report.DelProcesses} processes");
        return report;
    }

    private static double Median(IEnumerable<int> values) => LatencyStats.Percentile(values.Select(v => (double)v).Order().ToList(), 50);

    private async Task<ParallelReport> RunParallelAsync(BenchNode node, Contender contender, IReadOnlyList<string> pods,
        CancellationToken cancellationToken)
    {
        _log.WriteLine($"parallel: {_options.Parallel} ADDs at once for {contender.Key}");
        var scenario = BenchScenario.Empty24;
        await node.ResetBridgeAsync(scenario.GatewayCidr, cancellationToken).ConfigureAwait(false);
        var dataDir = StoreDir(scenario, contender);
        await node.PrepareStoreAsync(dataDir, NetworkName, scenario.FirstAllocatable, 0, [], cancellationToken).ConfigureAwait(false);
        var config = contender.ConfigFor(scenario, dataDir);
        var calls = Enumerable.Range(0, _options.Parallel).Select(i => NewCall(pods[i % pods.Count], config)).ToList();

        var clock = Stopwatch.StartNew();
        var adds = await Task.WhenAll(calls.Select(c => CallAsync(contender, CniCommand.Add, c, cancellationToken))).ConfigureAwait(false);
        var wall = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var dels = await Task.WhenAll(calls.Select(c => CallAsync(contender, CniCommand.Del, c, cancellationToken))).ConfigureAwait(false);
        var delWall = clock.Elapsed.TotalMilliseconds;
        var left = await node.CountReservationsAsync($"{dataDir}/{NetworkName}", cancellationToken).ConfigureAwait(false);
        await node.RemoveTreeAsync(dataDir, cancellationToken).ConfigureAwait(false);

        var span = Span(adds);
        var distinct = adds.Where(a => a.Ok && a.Address is not null).Select(a => a.Address).Distinct(StringComparer.Ordinal).Count();
        var failures = adds.Count(a => !a.Ok);
        var report = new ParallelReport(adds.Length, Math.Round(wall, 1), Math.Round(span, 1),
            span > 0 ? Math.Round(adds.Count(a => a.Ok) / (span / 1000.0), 1) : double.NaN, distinct, failures,
            Math.Round(delWall, 1), Math.Round(Span(dels), 1), dels.Count(d => !d.Ok), left,
            adds.Concat(dels).FirstOrDefault(x => !x.Ok)?.Error);
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  span {report.SpanMs:F0} ms (wall via harness {report.WallMs:F0} ms), {report.AddsPerSecond:F1} ADD/s, distinct {distinct}/{adds.Length}, failures {failures}, leftover after DEL {left}"));
        return report;
    }

    /// <summary>First plugin start to last plugin end, in ms (NaN when no call reported times).</summary>
    private static double Span(IReadOnlyCollection<CallSample> samples)
    {
        var timed = samples.Where(s => s.StartUs > 0 && s.EndUs > 0).ToList();
        return timed.Count == 0 ? double.NaN : (timed.Max(s => s.EndUs) - timed.Min(s => s.StartUs)) / 1000.0;
    }
}
