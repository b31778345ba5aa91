using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Faults;

/// <summary>Faults: kills, failures after IPAM, a held lock, an unwritable store, a reboot.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class FaultTests
{
    [Test]
    public Task FailureAfterIpamIsRolledBack() => TestNode.RunAsync(async node =>
        (await FaultChecks.FailedAddRollsBackAsync(node)).AssertPassed());

    [Test]
    public Task HeldStoreLockEndsInCode11WithinLockTimeout() => TestNode.RunAsync(async node =>
    {
        node.Profile.Require(PluginProfile.LockTimeout, "a bounded wait for the store lock");
        (await FaultChecks.HeldLockEndsInCode11Async(node)).AssertPassed();
    });

    [Test]
    public Task UnwritableDataDirIsCode5() => TestNode.RunAsync(async node =>
    {
        node.Profile.Require(PluginProfile.ErrorCodes, "code 5 for an unwritable store");
        (await FaultChecks.UnwritableDataDirIsCode5Async(node)).AssertPassed();
    });

    [Test]
    public Task StaleReservationsAfterARebootAreReclaimedByGc() => TestNode.RunAsync(async node =>
    {
        node.Profile.Require(PluginProfile.Gc, "GC");
        node.Profile.RequireVersion(Harness.Cni.CniVersions.V110);
        (await IpamChecks.GcReleasesAllButValidAsync(node, afterReboot: true)).AssertPassed();
    });

    /// <summary>20 trials: 5 per node on 4 nodes at once, kill points spread over the measured length of an ADD.</summary>
    [Test]
    public async Task SigkillDuringAddThenDelLeavesNothing([Range(0, 3)] int part)
    {
        var profile = NetnsLayer.RequireProfile();
        await TestNode.RunAsync(async node =>
        {
            var probePod = await node.CreatePodAsync("probe");
            var config = node.Config();
            var probe = await node.Plugin.AddAsync(TestNode.Call(probePod, config));
            probe.EnsureSuccess();
            (await node.Plugin.DelAsync(TestNode.Call(probePod, config))).EnsureSuccess();
            var length = probe.Duration;
            // Trial k of 20 kills after k/20 of a measured ADD; this part takes k = part, part + 4, ….
            const int trials = 5;
            var delays = Enumerable.Range(0, trials)
                .Select(i => TimeSpan.FromTicks(length.Ticks * (i * 4 + part) / (4 * trials)))
                .ToList();
            var verdict = await FaultChecks.KilledAddIsCleanedByDelAsync(node, delays);
            await TestContext.Out.WriteLineAsync(verdict.ToString());
            verdict.AssertPassed();
        }, profile);
    }
}
