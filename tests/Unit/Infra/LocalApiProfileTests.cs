using BashCni.Harness.Cluster;
using BashCni.Harness.Reachability;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Infra;

/// <summary>
/// The <c>local-api</c> target's realistic cluster profile: each item a real cluster has. Its pod network is not the
/// lab's, every node's podCIDR (the plugin's --subnet) lies in it and the stage scripts name it; the fourth node is
/// none of the lab's, so node preparation and the stage scripts leave it alone; the gateway answers no ping, so the
/// outside host is configured; the probe image is one the nodes must pull.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class LocalApiProfileTests
{
    private static LocalApiProfile Realistic => LocalApiProfile.Realistic;

    [Test]
    public void ThePodNetworkIsNotTheLabsAndHoldsEveryPodCidr()
    {
        var network = BashCni.Harness.Cni.Cidr.Parse(Realistic.Layout.PodNetwork);
        Assert.Multiple(() =>
        {
            Assert.That(Realistic.Layout.PodNetwork, Is.Not.EqualTo(LocalCluster.PodNetwork));
            Assert.That(Realistic.Layout.Nodes.Select(n => n.Name), Is.EqualTo(LabNodes.Names));
            foreach (var node in Realistic.Layout.Nodes.Concat(Realistic.OffMapNodes))
                Assert.That(network.Contains(BashCni.Harness.Cni.Cidr.Parse(node.PodCidr)), Is.True, $"{node.Name} {node.PodCidr} inside {network}");
        });
    }

    [Test]
    public void TheRoutedStageOnTheProfileNamesItsPodNetworkNotTheLabs()
    {
        var nodes = Realistic.Layout.Nodes;
        var script = Stages.Script(Stages.Routed, nodes[1], nodes, Realistic.Layout.PodNetwork);
        Assert.Multiple(() =>
        {
            Assert.That(script, Does.Contain("10.42.0.0/16"));
            Assert.That(script, Does.Not.Contain("10.244."));
        });
    }

    [Test]
    public void TheFourthNodeIsOutsideTheLabsNodesAndTheOtherItemsAreOn()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Realistic.OffMapNodes, Has.Count.EqualTo(1));
            Assert.That(LabNodes.Of(Realistic.Layout.Nodes.Concat(Realistic.OffMapNodes)).Select(n => n.Name), Is.EqualTo(LabNodes.Names),
                "node preparation and the stage scripts take the three lab nodes only");
            Assert.That(Realistic.SystemPods, Is.True);
            Assert.That(Realistic.PulledProbeImage, Is.Not.Null.And.Not.EqualTo(LocalCluster.ProbeImage), "a probe image the nodes do not have yet");
            Assert.That(Realistic.GatewayAnswersPing, Is.False);
            Assert.That(Realistic.OutsideHost, Is.EqualTo(LocalCluster.OutsideHostAddress), "configured, as BASHCNI_OUTSIDE_HOST");
        });
    }

    [Test]
    public void ALayoutWhosePodCidrLeavesThePodNetworkIsRefused() =>
        Assert.That(() => new LocalClusterLayout("10.42.0.0/16", [new ClusterNode("master", "10.0.1.10", "10.244.0.0/24")]),
            Throws.ArgumentException.With.Message.Contains("not inside the pod network 10.42.0.0/16"));
}
