using BashCni.Harness.Cluster;
using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using BashCni.Tests.Cluster.Checks;

namespace BashCni.Tests.Cluster;

/// <summary>Deleting a pod releases its address (CNI DEL through the runtime); recreating it gets a valid one.</summary>
[Category("Cluster")]
public sealed class PodLifecycleTests : ClusterTest
{
    private const string PodName = "bash-worker-2";

    [Test]
    public async Task DeletedPodReleasesItsAddressAndARecreatedPodGetsAValidOne()
    {
        var pod = ClusterSession.LabPods.Single(p => p.Metadata.Name == PodName);
        var nodeName = PodTranslator.TargetNode(pod)!;
        var node = Cluster.Nodes.Single(n => n.Name == nodeName);
        var before = await PodWaits.RunningWithIpAsync(Cluster, PodName);
        var storeBefore = await NodeFacts.IpamStoreAsync(Cluster, nodeName);
        Evidence.Attach("IPAM store before delete", Render(storeBefore));
        Assert.That(storeBefore.Keys, Does.Contain(before.Ip), $"the node's IPAM store holds the pod's address {before.Ip}");

        await Evidence.StepAsync($"delete pod {PodName}", () => Cluster.DeletePodAsync(PodName));
        var storeAfterDelete = await NodeFacts.IpamStoreAsync(Cluster, nodeName);
        // Who holds addresses on the node now, as the cluster says (system pods included; null on the local cluster).
        var live = await Cluster.LivePodAddressesAsync(nodeName);
        Evidence.Attach("IPAM store after delete", Render(storeAfterDelete) +
            (live is null ? "" : "\n\npods holding addresses on the node (API):\n" + Render(live)));

        await Evidence.StepAsync($"create pod {PodName} again", () => Cluster.DeployPodAsync(pod));
        var after = await PodWaits.RunningWithIpAsync(Cluster, PodName);
        var storeAfterCreate = await NodeFacts.IpamStoreAsync(Cluster, nodeName);
        Evidence.Attach("IPAM store after re-create", Render(storeAfterCreate));
        var others = new List<string>();
        foreach (var other in ClusterSession.LabPods.Where(p => p.Metadata.Name != PodName))
            others.Add((await Cluster.GetPodAsync(other.Metadata.Name))?.Ip ?? "");

        var cidr = Cidr.Parse(node.PodCidr);
        Assert.Multiple(() =>
        {
            // On the pod's own address, not on counts: system pods (CoreDNS) take addresses on the same node meanwhile.
            // A system pod restarted meanwhile releases its own entry: that is no problem while no pod holds the address.
            Assert.That(IpamStoreChange.AfterDelete(storeBefore, storeAfterDelete, before.Ip!, live), Is.Empty,
                $"deleting {PodName} releases its address {before.Ip} and no other entry changes " +
                $"(entries other pods took meanwhile: {string.Join(", ", IpamStoreChange.Added(storeBefore, storeAfterDelete, before.Ip!))}; " +
                $"released with their pods: {string.Join(", ", IpamStoreChange.ReleasedWithTheirPods(storeBefore, storeAfterDelete, before.Ip!, live))})");
            Assert.That(after.Ip, Is.Not.Null);
            Assert.That(cidr.Contains(after.Ip!), Is.True, $"new address {after.Ip} inside {cidr}");
            Assert.That(after.Ip, Is.Not.EqualTo(cidr.Network.ToString()).And.Not.EqualTo(Cidr.Add(cidr.Network, 1).ToString())
                .And.Not.EqualTo(cidr.Broadcast.ToString()), "not network, gateway or broadcast");
            Assert.That(others, Does.Not.Contain(after.Ip), "the new address is not another pod's");
            Assert.That(storeAfterCreate.Keys, Does.Contain(after.Ip), "the new address is reserved in the store");
        });
    }

    [Test]
    public async Task RepeatedDeletesOfASandboxDoNotFail()
    {
        if (Cluster is not LocalCluster local)
        {
            Assert.Ignore("needs direct CRI access to the node runtime (local cluster); real clusters repeat DELs in kubelet");
            return;
        }
        var template = ClusterSession.LabPods.Single(p => p.Metadata.Name == "bash-worker-1");
        var verdict = await PodChecks.RepeatedDeletesOfASandboxSucceedAsync(local, template, "bash-del-twice");
        Evidence.Attach("IPAM store after the deletes", verdict.Detail);
        verdict.AssertPassed();
    }

    private static string Render(IReadOnlyDictionary<string, string> store) =>
        string.Join('\n', store.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}"));
}
