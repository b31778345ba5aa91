using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Faults;

/// <summary>
/// Races the plugin guards against, each reproduced in a fixed order: the bridge created by two ADDs at once (here);
/// DEL arriving while a killed ADD's processes still run and DEL right after SIGKILL (the kill points of
/// <see cref="FaultTests"/>); the store lock held by another process (<see cref="FaultTests"/>' held-lock test).
/// </summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class RaceTests
{
    [Test]
    public Task ConcurrentAddsCreateTheBridgeOnce() => TestNode.RunAsync(async node =>
    {
        if (!node.Profile.IsBashCni) Assert.Ignore("the gates stand in for bash-cni's own `ip` and `flock` steps");
        var verdict = await RaceChecks.ConcurrentBridgeCreationAsync(node);
        await TestContext.Out.WriteLineAsync(verdict.ToString());
        verdict.AssertPassed();
    });

    /// <summary>The bridge lock's wait ends (as after its timeout, under load) while another ADD is making the bridge.</summary>
    [Test]
    public Task AddWhoseBridgeLockTimedOutTakesTheBridgeAnotherMade() => TestNode.RunAsync(async node =>
    {
        if (!node.Profile.IsBashCni) Assert.Ignore("the gates stand in for bash-cni's own `ip` and `flock` steps");
        var verdict = await RaceChecks.ConcurrentBridgeCreationAsync(node, lockTimesOut: true);
        await TestContext.Out.WriteLineAsync(verdict.ToString());
        verdict.AssertPassed();
    });

    /// <summary>A DEL that fails after it started deleting the pair in the background waits for that <c>ip</c>.</summary>
    [Test]
    public Task FailedDelWaitsForTheDeleteItStarted() => TestNode.RunAsync(async node =>
    {
        if (!node.Profile.IsBashCni) Assert.Ignore("the gate stands in for bash-cni's own background `ip link del`");
        var verdict = await RaceChecks.FailedDelReapsItsDeleteAsync(node);
        await TestContext.Out.WriteLineAsync(verdict.ToString());
        verdict.AssertPassed();
    });
}
