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
