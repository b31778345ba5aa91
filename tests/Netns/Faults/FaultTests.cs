using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Faults;

/// <summary>Faults: kills, failures after IPAM (an unreadable IPAM result among them), a held lock, an unwritable store, a reboot.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class FaultTests
{
    [Test]
    public Task FailureAfterIpamIsRolledBack() => TestNode.RunAsync(async node =>
        (await FaultChecks.FailedAddRollsBackAsync(node)).AssertPassed());

    [Test]
    public Task UnreadableAddressFromTheDelegatedIpamIsRolledBack() => TestNode.RunAsync(async node =>
        (await DelegateResultChecks.UnreadableAddressFailsAddAsync(node)).AssertPassed());

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

    /// <summary>
    /// 100 trials per run (25 per part on 4 nodes at once): each kills an ADD at one point of its progress
    /// (<see cref="KillPoints"/>, 10 trials per point), observes that the point was hit, and checks that the runtime's
    /// DEL, started right after the kill, leaves nothing. Each part prints which point every trial hit.
    /// </summary>
    [Test]
    public async Task SigkillAtEachPointOfAddThenDelLeavesNothing([Range(0, KillTrialParts - 1)] int part)
    {
        var profile = NetnsLayer.RequireProfile();
        if (!profile.IsBashCni || profile.Config(profile.NewestVersion, TestNode.DefaultSubnet, "/", "/").HasIpamSection)
            Assert.Ignore($"the kill points are steps of bash-cni's lab-form ADD (its `ip`/`flock` and store files); profile '{profile.Name}' has other steps");
        await TestNode.RunAsync(async node =>
        {
            var points = Enumerable.Range(part * TrialsPerPart, TrialsPerPart)
                .Select(t => KillPoints.All[t % KillPoints.All.Count]).ToList();
            var hits = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var verdict = await FaultChecks.KilledAddIsCleanedByDelAsync(node, points, hits);
            await TestContext.Out.WriteLineAsync($"kill points hit (part {part}, {points.Count} trials): " +
                string.Join(", ", KillPoints.All.Select(k => $"{k.Name} {(hits.TryGetValue(k.Name, out var n) ? n : 0)}")));
            await TestContext.Out.WriteLineAsync(verdict.ToString());
            verdict.AssertPassed();
        }, profile);
    }

    private const int KillTrialParts = 4;
    private const int TrialsPerPart = 25;
}
