using System.Diagnostics;
using BashCni.Harness.Cluster;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace BashCni.Harness.Reachability;

/// <summary>
/// Runs a <see cref="ProbePlan"/> in the pods' network namespaces through <see cref="ICluster.ExecInPodNetworkAsync"/>
/// (each attempt records how: <see cref="ProbeAttempt.Via"/>): a fast first pass over every cell (bounded
/// concurrency), then a bounded second pass (Polly retries) only for expected-"yes" cells that were not reached and
/// for probe errors — a transient first miss does not fail a test, a real difference persists. A path seen on an
/// expected-"no" cell is final: one answer proves the path exists, and no later miss may replace it.
/// </summary>
public static class ReachabilityProbe
{
    private const int OutputLimit = 600;

    public static async Task<ProbeReport> RunAsync(ICluster cluster, ProbePlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(plan);
        var options = plan.Options;
        if (options.MaxConcurrency < 1) throw new ArgumentException("MaxConcurrency must be at least 1", nameof(plan));
        var clock = Stopwatch.StartNew();

        // Cells running the same command in the same pod (e.g. same-node-pod and pod:<that pod>) share one probe.
        var groups = plan.Probes.GroupBy(p => p.Key, StringComparer.Ordinal)
            .Select(g => new ProbeGroup([.. g]))
            .ToList();
        var timeout = new ResiliencePipelineBuilder().AddTimeout(options.ExecTimeout).Build();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxConcurrency, CancellationToken = cancellationToken };

        // Each source pod's way in (e.g. its debug container, image pull included) is made ready before the first
        // pass, so no probe is charged with it; a pod whose way in fails has its cells' first attempts say why.
        var unprepared = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var sources = plan.Probes.Where(p => p.Problem is null).Select(p => p.Source).Distinct(StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(sources, parallel, async (source, ct) =>
        {
            try
            {
                await cluster.PreparePodNetworkExecAsync(source, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                unprepared[source] = $"{cluster.PodNetworkVia} for pod {source} not ready: {e.GetType().Name}: {e.Message}";
            }
        }).ConfigureAwait(false);

        await Parallel.ForEachAsync(groups, parallel, async (group, ct) =>
            group.Attempts.Add(unprepared.TryGetValue(group.Probes[0].Source, out var why) && group.Runnable
                ? new ProbeAttempt(1, cluster.ReproduceCommand(group.Probes[0].Source, group.Probes[0].Command), null, Trim(why), TimeSpan.Zero, Reach.Error)
                    { Via = cluster.PodNetworkVia, Reason = ProbeReason.ProbeError }
                : await AttemptAsync(cluster, group, 1, timeout, options.ExecTimeout, ct).ConfigureAwait(false))).ConfigureAwait(false);

        var differing = groups.Where(g => g.Runnable && g.Retryable(g.Attempts[^1].Outcome)).ToList();
        if (differing.Count > 0 && options.SecondPassAttempts > 0)
        {
            await Parallel.ForEachAsync(differing, parallel, async (group, ct) =>
            {
                var retry = SecondPass(group, options);
                await retry.ExecuteAsync(async token =>
                {
                    var attempt = await AttemptAsync(cluster, group, 2, timeout, options.ExecTimeout, token).ConfigureAwait(false);
                    group.Attempts.Add(attempt);
                    return attempt;
                }, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }

        var observed = new ReachabilityMatrix(plan.Expected.Sources, plan.Expected.Targets);
        var cells = new List<ProbeCell>();
        foreach (var group in groups)
            foreach (var probe in group.Probes)
            {
                var cell = new ProbeCell(probe, [.. group.Attempts]);
                observed[probe.Source, probe.Target.Text] = cell.Observed;
                cells.Add(cell);
            }
        var order = plan.Probes.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
        cells.Sort((a, b) => order[a.Probe].CompareTo(order[b.Probe]));
        return new ProbeReport(plan, observed, cells, clock.Elapsed);
    }

    /// <summary>Retries while the outcome may still be transient (<see cref="ProbeGroup.Retryable"/>), at most
    /// <see cref="ReachabilityOptions.SecondPassAttempts"/> runs.</summary>
    private static ResiliencePipeline<ProbeAttempt> SecondPass(ProbeGroup group, ReachabilityOptions options)
    {
        var builder = new ResiliencePipelineBuilder<ProbeAttempt>();
        if (options.SecondPassAttempts > 1)
            builder.AddRetry(new RetryStrategyOptions<ProbeAttempt>
            {
                MaxRetryAttempts = options.SecondPassAttempts - 1,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } attempt && group.Retryable(attempt.Outcome)),
            });
        return builder.Build();
    }

    private static async Task<ProbeAttempt> AttemptAsync(ICluster cluster, ProbeGroup group, int pass, ResiliencePipeline timeout,
        TimeSpan execTimeout, CancellationToken cancellationToken)
    {
        var probe = group.Probes[0];
        if (probe.Problem is { } problem)
            return new ProbeAttempt(pass, "", null, problem, TimeSpan.Zero, Reach.Error) { Via = "not run", Reason = ProbeReason.ProbeError };
        var via = cluster.PodNetworkVia;
        var command = cluster.ReproduceCommand(probe.Source, probe.Command);
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await timeout.ExecuteAsync(
                async ct => await cluster.ExecInPodNetworkAsync(probe.Source, probe.Command, ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            var output = Trim((result.Stdout.Trim() + "\n" + result.Stderr.Trim()).Trim());
            var (outcome, reason) = ProbeCommands.Classify(probe.Protocol, result.ExitCode, result.Stdout, result.Stderr);
            return new ProbeAttempt(pass, command, result.ExitCode, output, clock.Elapsed, outcome) { Via = via, Reason = reason };
        }
        catch (TimeoutRejectedException)
        {
            return new ProbeAttempt(pass, command, null, $"no result within {execTimeout.TotalSeconds:F0} s", clock.Elapsed, Reach.Error)
                { Via = via, Reason = ProbeReason.ProbeError };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ProbeAttempt(pass, command, null, Trim($"{via} in pod {probe.Source} failed: {e.GetType().Name}: {e.Message}"),
                clock.Elapsed, Reach.Error) { Via = via, Reason = ProbeReason.ProbeError };
        }
    }

    private static string Trim(string text) => text.Length <= OutputLimit ? text : text[..OutputLimit] + " …";

    /// <summary>Probes sharing one command in one pod; they may (in a malformed expectation) expect different things.</summary>
    private sealed class ProbeGroup(IReadOnlyList<PlannedProbe> probes)
    {
        public IReadOnlyList<PlannedProbe> Probes { get; } = probes;

        public List<ProbeAttempt> Attempts { get; } = [];

        public bool Runnable => Probes[0].Problem is null;

        public bool Agrees(Reach outcome) => Probes.All(p => p.Expected == outcome);

        /// <summary>Worth another attempt: a probe error, or an expected-"yes" cell not reached. An answer where "no"
        /// was expected is a path seen and final (a later miss must not hide the leak).</summary>
        public bool Retryable(Reach outcome) => outcome == Reach.Error || (outcome == Reach.No && Probes.Any(p => p.Expected == Reach.Yes));
    }
}
