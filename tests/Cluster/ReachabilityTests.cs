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

    [OneTimeTearDown]
    public async Task BackToLabStageAsync()
    {
        // Later fixtures expect the nodes as the lab left them.
        if (ClusterSession.TryGet() is { } cluster) await Stages.ApplyAsync(cluster, Stages.Lab);
    }

    private static async Task CheckStageAsync(string stage)
    {
        var cluster = Cluster;
        Evidence.Parameter("stage", stage);
        Evidence.Parameter("cluster", cluster.Kind);
        await Evidence.StepAsync($"apply stage {stage}", () => Stages.ApplyAsync(cluster, stage));
        await TestContext.Progress.WriteLineAsync($"stage {stage} applied on {string.Join(", ", cluster.Nodes.Select(n => n.Name))}; probing via {cluster.PodNetworkVia}");

        var pods = new List<PodState>();
        foreach (var pod in ClusterSession.LabPods)
            pods.Add(await PodWaits.RunningWithIpAsync(cluster, pod.Metadata.Name));
        var expected = ExpectedMatrix.ForStage(stage);
        var plan = await ProbePlan.CreateAsync(cluster, expected, pods);
        Evidence.Attach($"probe plan ({stage})", plan.Describe());

        var report = await Evidence.StepAsync($"probe the matrix ({stage})", () => ReachabilityProbe.RunAsync(cluster, plan));
        var grids = report.ExpectedGrid + "\n" + report.ObservedGrid + "\n" + report.DiffGrid;
        Evidence.Attach($"reachability grids ({stage})", grids);
        Evidence.Attach($"reachability probes ({stage})", report.RenderEvidence());
        await TestContext.Progress.WriteLineAsync($"--- reachability, stage {stage} ({report.Duration.TotalSeconds:F1} s)\n{grids}");

        Assert.That(report.Diff.IsEmpty, Is.True, report.ToString());
    }
}
