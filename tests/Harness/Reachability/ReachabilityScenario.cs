using BashCni.Harness.Cluster;
using BashCni.Harness.Reporting;

namespace BashCni.Harness.Reachability;

/// <summary>
/// The reachability test body for any <see cref="ICluster"/>: apply the stage on the nodes, load
/// fixtures/reachability/&lt;stage&gt;.yaml, resolve it against the cluster and the pods, probe, and write the
/// expected, observed and diff grids to the console and the report.
/// <code>
/// var verdict = await ReachabilityScenario.RunAsync(cluster, pods, Stages.Lab, ct);
/// Assert.That(verdict.Diff.IsEmpty, verdict.ToString());
/// </code>
/// </summary>
public static class ReachabilityScenario
{
    public static Task<ReachabilityVerdict> RunAsync(ICluster cluster, IReadOnlyList<PodState> pods, string stage,
        CancellationToken cancellationToken = default) =>
        RunAsync(cluster, pods, stage, ReachabilityOptions.FromEnvironment(), cancellationToken);

    public static async Task<ReachabilityVerdict> RunAsync(ICluster cluster, IReadOnlyList<PodState> pods, string stage,
        ReachabilityOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(options);
        var expectation = ExpectedMatrix.ForStage(stage);
        Evidence.Parameter("stage", stage);

        await Evidence.StepAsync($"apply stage {stage} on {cluster.Nodes.Count} nodes",
            () => Stages.ApplyAsync(cluster, stage, cluster.PodNetwork, cancellationToken)).ConfigureAwait(false);

        var plan = await Evidence.StepAsync($"resolve {Path.GetFileName(expectation.Origin)} against the {cluster.Kind} cluster", async () =>
        {
            var p = await ProbePlan.CreateAsync(cluster, expectation, pods, options, cancellationToken).ConfigureAwait(false);
            Evidence.Attach("probe plan", p.Describe());
            return p;
        }).ConfigureAwait(false);

        var report = await Evidence.StepAsync($"probe {plan.Probes.Count} cells from inside the pods", async () =>
        {
            var r = await ReachabilityProbe.RunAsync(cluster, plan, cancellationToken).ConfigureAwait(false);
            Evidence.Attach("probe evidence", r.RenderEvidence());
            return r;
        }).ConfigureAwait(false);

        var verdict = new ReachabilityVerdict(expectation, report);
        Evidence.Attach($"expected ({stage})", report.ExpectedGrid);
        Evidence.Attach($"observed ({stage})", report.ObservedGrid);
        Evidence.Attach($"diff ({stage})", report.DiffGrid);
        await Console.Out.WriteLineAsync($"reachability, stage {stage} on the {cluster.Kind} cluster:\n{verdict.Grids}" +
            (verdict.IsMatch ? report.Diff.ToString() : $"{report.Diff.Differences.Count} of {report.Diff.ComparedCells} cells differ") + "\n")
            .ConfigureAwait(false);
        return verdict;
    }
}
