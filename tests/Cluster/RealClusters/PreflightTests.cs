using BashCni.Harness.Cluster;
using BashCni.Harness.Kubernetes;
using BashCni.Harness.Reporting;

namespace BashCni.Tests.Cluster.RealClusters;

/// <summary>
/// The real-target pre-flight (<see cref="Preflight"/>) as a test of its own, on every target — the local cluster's
/// nodes are checked by the same script, so its checks run on every run — with the report attached.
/// </summary>
[TestFixture]
[Category("Cluster")]
public sealed class PreflightTests : ClusterTest
{
    [Test]
    public async Task TheClusterPassesThePreflight()
    {
        var cluster = Cluster;
        var map = NodeNameMap.Identity;
        var images = ClusterSession.LabPods.SelectMany(p => p.Spec.Containers).Select(c => c.Image).Distinct(StringComparer.Ordinal).ToList();
        if (cluster is KubernetesCluster real)
        {
            map = real.NodeMap;
            images.Add(real.ProbeImage);
        }
        var (report, passed) = await Preflight.RunAsync(cluster.Nodes, map,
            (node, script, ct) => cluster.RunOnNodeAsync(node, script, ct), images.Distinct(StringComparer.Ordinal));
        Evidence.Attach("pre-flight", report);
        await TestContext.Progress.WriteLineAsync(report.TrimEnd());
        Assert.That(passed, Is.True, report);
    }
}
