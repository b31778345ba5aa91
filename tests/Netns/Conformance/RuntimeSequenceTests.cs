using BashCni.Harness.Cni;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Conformance;

/// <summary>What containerd's CRI sends over a pod's life, in order, with kubelet-style CNI_ARGS.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class RuntimeSequenceTests
{
    [TestCase(CniVersions.V031)]
    [TestCase(CniVersions.V100)]
    public Task VersionAddDelThenDelWithEmptyNetnsAfterRemoval(string cniVersion) => TestNode.RunAsync(async node =>
    {
        node.Profile.RequireVersion(cniVersion);
        var config = node.Config(cniVersion);
        var version = await node.Plugin.VersionAsync(TestNode.NoContainer(config));
        Assert.That(version.ExitCode, Is.Zero, version.ToString());
        Assert.That(version.Version.Supports(cniVersion), Is.True, $"VERSION does not list {cniVersion}: {version.Stdout}");

        var pod = await node.CreatePodAsync("nginx-worker-1");
        var call = TestNode.Call(pod, config);
        Assert.That(call.Args, Does.Contain("K8S_POD_NAME=nginx-worker-1").And.Contain("IgnoreUnknown=1"));
        var add = await node.Plugin.AddAsync(call);
        var result = add.EnsureResult();
        Assert.That(result.Interfaces.Any(i => i.Name == "eth0" && i.Sandbox == pod.Path), Is.True,
            "containerd needs an eth0 with IPs in the result: " + add.Stdout);

        var stop = await node.Plugin.DelAsync(call);
        Assert.That(stop.ExitCode, Is.Zero, "DEL on stop: " + stop);
        await pod.DeleteAsync();
        var remove = await node.Plugin.DelAsync(call with { NetNs = null });
        Assert.That(remove.ExitCode, Is.Zero, "DEL with empty CNI_NETNS on remove: " + remove);
        var again = await node.Plugin.DelAsync(call with { NetNs = null });
        Assert.That(again.ExitCode, Is.Zero, "another DEL with empty CNI_NETNS: " + again);

        var reservations = await node.ReservationsAsync(config);
        var veths = await node.HostVethsAsync();
        Assert.Multiple(() =>
        {
            Assert.That(reservations, Is.Empty, "address still reserved");
            Assert.That(veths.Select(v => v.Name), Is.Empty, "host veth left");
        });
    });

    [Test]
    public Task FailedAddIsFollowedByDelAsARuntimeDoes() => TestNode.RunAsync(async node =>
        (await FaultChecks.FailedAddRollsBackAsync(node)).AssertPassed());
}
