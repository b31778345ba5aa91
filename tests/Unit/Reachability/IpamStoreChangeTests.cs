using BashCni.Harness.Cluster;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Reachability;

/// <summary>PodLifecycleTests' judgement of a delete: the pod's own address released, no other entry changed; entries
/// other pods take meanwhile (CoreDNS on kind/kubeadm) do not count. Before, the test required the store to shrink by
/// exactly one: "exactly one reservation is released: Expected: 2 But was: 3" when a system pod started meanwhile.</summary>
[TestFixture]
[Category("Unit")]
public sealed class IpamStoreChangeTests
{
    private static readonly Dictionary<string, string> Before = new(StringComparer.Ordinal)
    {
        ["10.244.2.2"] = "nginx",
        ["10.244.2.3"] = "bash",
        ["10.244.2.4"] = "coredns-a",
    };

    [Test]
    public void ASystemPodTakingAnAddressMeanwhileIsNotADifference()
    {
        var after = new Dictionary<string, string>(Before, StringComparer.Ordinal) { ["10.244.2.5"] = "coredns-b" };
        after.Remove("10.244.2.3");

        Assert.Multiple(() =>
        {
            Assert.That(IpamStoreChange.AfterDelete(Before, after, "10.244.2.3"), Is.Empty);
            Assert.That(after, Has.Count.Not.EqualTo(Before.Count - 1), "the old count rule would have failed here");
            Assert.That(IpamStoreChange.Added(Before, after, "10.244.2.3"), Is.EqualTo(new[] { "10.244.2.5 coredns-b" }));
        });
    }

    [Test]
    public void TheOwnAddressKeptIsADifference() =>
        Assert.That(IpamStoreChange.AfterDelete(Before, Before, "10.244.2.3"),
            Is.EqualTo(new[] { "address 10.244.2.3 is still reserved by bash after the delete" }));

    [Test]
    public void ANeighboursAddressReleasedOrReassignedIsADifference()
    {
        var after = new Dictionary<string, string>(StringComparer.Ordinal) { ["10.244.2.4"] = "someone-else" };

        Assert.That(IpamStoreChange.AfterDelete(Before, after, "10.244.2.3"), Is.EqualTo(new[]
        {
            "address 10.244.2.2 of nginx was released too",
            "address 10.244.2.4 changed owner from coredns-a to someone-else",
        }));
    }

    [Test]
    public void TheOwnAddressTakenAgainByAnotherPodIsNotTheOldReservation()
    {
        var after = new Dictionary<string, string>(Before, StringComparer.Ordinal) { ["10.244.2.3"] = "coredns-b" };

        Assert.That(IpamStoreChange.AfterDelete(Before, after, "10.244.2.3"), Is.Empty);
    }

    [Test]
    public void ASystemPodRestartedMeanwhileReleasesItsOwnEntryWhenNoPodHoldsItsAddressAnyMore()
    {
        var after = new Dictionary<string, string>(StringComparer.Ordinal) { ["10.244.2.2"] = "nginx", ["10.244.2.5"] = "coredns-b" };
        var live = new Dictionary<string, string>(StringComparer.Ordinal) { ["10.244.2.2"] = "bash-cni-test/nginx", ["10.244.2.5"] = "kube-system/coredns-b" };

        Assert.Multiple(() =>
        {
            Assert.That(IpamStoreChange.AfterDelete(Before, after, "10.244.2.3", live), Is.Empty);
            Assert.That(IpamStoreChange.AfterDelete(Before, after, "10.244.2.3"), Is.EqualTo(new[] { "address 10.244.2.4 of coredns-a was released too" }),
                "without the cluster's word the same store change is a difference");
            Assert.That(IpamStoreChange.ReleasedWithTheirPods(Before, after, "10.244.2.3", live), Is.EqualTo(new[] { "10.244.2.4 coredns-a" }));
        });
    }

    [Test]
    public void AnEntryReleasedWhileItsPodStillHoldsTheAddressIsADifference()
    {
        var after = new Dictionary<string, string>(StringComparer.Ordinal) { ["10.244.2.2"] = "nginx" };
        var live = new Dictionary<string, string>(StringComparer.Ordinal) { ["10.244.2.2"] = "bash-cni-test/nginx", ["10.244.2.4"] = "kube-system/coredns-a" };

        Assert.That(IpamStoreChange.AfterDelete(Before, after, "10.244.2.3", live),
            Is.EqualTo(new[] { "address 10.244.2.4 of coredns-a was released too, while pod kube-system/coredns-a still holds it" }));
    }
}
