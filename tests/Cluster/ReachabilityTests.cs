using BashCni.Harness.Cluster;
using BashCni.Harness.Reachability;
using BashCni.Harness.Reporting;

namespace BashCni.Tests.Cluster;

/// <summary>
/// The lab's reachability matrix, probed from inside the four pods: stage "lab" (plugin installed, lab firewall:
/// only the own node's bridge answers), then stage "routed" applied over node access (everything answers).
/// Expected, observed and diff grids go to the console and the report.
/// </summary>
[Category("Cluster")]
[NonParallelizable]
public sealed class ReachabilityTests : ClusterTest
{
    [Test]
    [Order(1)]
    public Task LabStageMatchesTheExpectation() => CheckStageAsync(Stages.Lab);

    [Test]
    [Order(2)]
    public Task RoutedStageMatchesTheExpectation() => CheckStageAsync(Stages.Routed);

    /// <summary>Later fixtures expect the nodes as the lab left them: the restore is a test of its own, so a failure counts.</summary>
    [Test]
    [Order(3)]
    public async Task NodesAreBackAtTheLabStage()
    {
        var cluster = Cluster;
        Evidence.Parameter("cluster", cluster.Kind);
        await Evidence.StepAsync($"apply stage {Stages.Lab}", () => Stages.ApplyAsync(cluster, Stages.Lab));
    }

    private static async Task CheckStageAsync(string stage)
    {
        var cluster = Cluster;
        Evidence.Parameter("stage", stage);
        Evidence.Parameter("cluster", cluster.Kind);
        await Evidence.StepAsync($"apply stage {stage}", () => Stages.ApplyAsync(cluster, stage));
        await TestContext.Progress.WriteLineAsync($"stage {stage} applied on {string.Join(", ", LabNodes.Of(cluster.Nodes).Select(n => n.Name))}; probing via {cluster.PodNetworkVia}");

        var pods = new List<PodState>();
        foreach (var pod in ClusterSession.LabPods)
            pods.Add(await PodWaits.RunningWithIpAsync(cluster, pod.Metadata.Name));
        var expected = ExpectedMatrix.ForStage(stage);
        var plan = await ProbePlan.CreateAsync(cluster, expected, pods);
        Evidence.Attach($"probe plan ({stage})", plan.Describe());

        var report = await Evidence.StepAsync($"probe the matrix ({stage}) by exec into each source pod's {cluster.PodNetworkVia}", () => ReachabilityProbe.RunAsync(cluster, plan));
        await TestContext.Progress.WriteLineAsync($"--- reachability, stage {stage} ({report.Duration.TotalSeconds:F1} s)\n{Grids(report)}");
        // The report's browser check needs a reachability failure to look at: judged from this very probe run,
        // with one expected cell flipped, into a separate results directory (only when run-tests.sh asks).
        if (stage == Stages.Lab) await ReachabilityReportDemo.WriteIfAskedAsync(cluster, report, pods);
        Judge(report);
    }

    /// <summary>
    /// The stage's verdict: the table (expected vs observed per cell, the differing cells first, each with its probe
    /// reason and command) at the top of the test's page, the same per cell as CSV, the text grids and every attempt
    /// attached, then the assertion, whose first line names the differing cells.
    /// </summary>
    internal static void Judge(ProbeReport report)
    {
        var stage = report.Plan.Stage;
        Evidence.DescriptionHtml(ReachabilityTable.Render(report));
        Evidence.Attach($"reachability per cell ({stage}): {ReachabilityTable.Summary(report)}", ReachabilityTable.RenderCsv(report), "text/csv", "csv");
        Evidence.Attach($"reachability grids ({stage})", Grids(report));
        Evidence.Attach($"reachability probes ({stage})", report.RenderEvidence());
        Assert.That(report.Diff.IsEmpty, Is.True, report.ToString());
    }

    private static string Grids(ProbeReport report) => report.ExpectedGrid + "\n" + report.ObservedGrid + "\n" + report.DiffGrid;
}
