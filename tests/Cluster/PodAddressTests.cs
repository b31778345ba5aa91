using BashCni.Harness.Layers;
using BashCni.Harness.Reporting;
using BashCni.Tests.Cluster.Checks;

namespace BashCni.Tests.Cluster;

/// <summary>The four lab pods run and each got a valid, unique address from its node's podCIDR (checks: <see cref="PodChecks"/>).</summary>
[Category("Cluster")]
[Category(QuickRun.Category)]
public sealed class PodAddressTests : ClusterTest
{
    private static void Assert(ClusterVerdict verdict, string evidence)
    {
        if (verdict.Detail.Length > 0) Evidence.Attach(evidence, verdict.Detail);
        verdict.AssertPassed();
    }

    [Test]
    public async Task AllFourLabPodsRunOnTheirNodes()
    {
        NUnit.Framework.Assert.That(ClusterSession.LabPods.Select(p => p.Metadata.Name),
            Is.EquivalentTo(new[] { "nginx-worker-1", "bash-worker-1", "nginx-worker-2", "bash-worker-2" }));
        Assert(await PodChecks.PodsRunOnTheirNodesAsync(Cluster, ClusterSession.LabPods), "pods");
    }

    [Test]
    public async Task EachPodIpLiesInItsNodesPodCidrAndIsAHostAddress() =>
        Assert(await PodChecks.IpsLieInTheirNodesPodCidrAsync(Cluster, ClusterSession.LabPods), "pods");

    [Test]
    public async Task PodIpsAreUniqueAcrossTheCluster() =>
        Assert(await PodChecks.IpsAreUniqueAsync(Cluster, ClusterSession.LabPods), "pods");

    [Test]
    public async Task PodIpEqualsTheAddressInsideThePod() =>
        Assert(await PodChecks.IpIsTheAddressInsideThePodAsync(Cluster, ClusterSession.LabPods), "addresses inside the pods");

    [Test]
    public async Task PluginLogNamesEveryPodItServed() =>
        Assert(await PodChecks.PluginLogNamesEveryPodAsync(Cluster, ClusterSession.LabPods), "plugin logs");
}
