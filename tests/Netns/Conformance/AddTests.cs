using BashCni.Harness.Cni;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Conformance;

/// <summary>ADD for every cniVersion: result schema and values against the kernel; repeated ADD.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class AddTests
{
    public static IEnumerable<string> Versions => CniVersions.All;

    [TestCaseSource(nameof(Versions))]
    public Task AddResultMatchesTheKernel(string cniVersion) => TestNode.RunAsync(async node =>
    {
        node.Profile.RequireVersion(cniVersion);
        var (verdict, pod, add) = await AddChecks.AddMatchesKernelAsync(node, cniVersion);
        verdict.AssertPassed();
        var del = await node.Plugin.DelAsync(TestNode.Call(pod, node.Config(cniVersion)));
        Assert.That(del.ExitCode, Is.Zero, del.ToString());
        Assert.That(await node.ReservationsAsync(node.Config(cniVersion)), Is.Empty, "DEL left the address reserved");
        Assert.That(add.Duration, Is.LessThan(TimeSpan.FromSeconds(10)), "ADD took too long");
    });

    [TestCase("10.244.0.0/23")]
    [TestCase("10.244.1.16/28")]
    [TestCase("10.244.128.0/17")]
    public Task AddWorksForPrefixLengthsOtherThan24(string subnet) => TestNode.RunAsync(async node =>
    {
        var (verdict, pod, _) = await AddChecks.AddMatchesKernelAsync(node, node.Profile.NewestVersion, subnet);
        verdict.AssertPassed();
        var del = await node.Plugin.DelAsync(TestNode.Call(pod, node.Config(subnet: subnet)));
        Assert.That(del.ExitCode, Is.Zero, del.ToString());
    });

    [TestCaseSource(nameof(Versions))]
    public Task RepeatedAddIsRejectedAndChangesNothing(string cniVersion) => TestNode.RunAsync(async node =>
    {
        node.Profile.RequireVersion(cniVersion);
        (await AddChecks.RepeatedAddIsRejectedAsync(node, cniVersion)).AssertPassed();
    });

    [Test]
    public Task TwoPodsOnOneNodeGetDistinctAddressesOnOneBridge() => TestNode.RunAsync(async node =>
    {
        var config = node.Config();
        var (a, addA) = await node.AddPodAsync(config, "a");
        var (b, addB) = await node.AddPodAsync(config, "b");
        var ipA = addA.EnsureResult().FirstIp;
        var ipB = addB.EnsureResult().FirstIp;
        var veths = await node.HostVethsAsync();
        Assert.Multiple(() =>
        {
            Assert.That(ipA.Address, Is.Not.EqualTo(ipB.Address));
            Assert.That(veths, Has.Count.EqualTo(2));
            Assert.That(veths.Select(v => v.Master), Is.All.EqualTo(node.Bridge));
        });
        // Same bridge, FORWARD policy ACCEPT in a fresh namespace: the pods reach each other.
        var ping = await a.ExecAsync("ping", ["-c", "1", "-W", "2", ipB.Ip.ToString()]);
        Assert.That(ping.ExitCode, Is.Zero, "pod a cannot reach pod b on the same bridge:\n" + ping);
        foreach (var (pod, _) in new[] { (a, addA), (b, addB) })
            (await node.Plugin.DelAsync(TestNode.Call(pod, config))).EnsureSuccess();
    });
}
