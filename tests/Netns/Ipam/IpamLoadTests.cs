using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Ipam;

/// <summary>The IPAM store under concurrency and at its limits.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class IpamLoadTests
{
    [Test]
    public Task SixtyFourParallelAddsThenSixtyFourParallelDels() => TestNode.RunAsync(async node =>
    {
        var verdict = await IpamChecks.ParallelAddDelAsync(node, 64);
        await TestContext.Out.WriteLineAsync(verdict.ToString());
        verdict.AssertPassed();
    });

    [Test]
    public Task NetworkGatewayAndBroadcastAreNeverHandedOut() => TestNode.RunAsync(async node =>
        (await IpamChecks.ReservedAddressesAreNeverHandedOutAsync(node)).AssertPassed());

    [Test]
    public Task ExhaustionIsACniErrorAndLeavesNothing() => TestNode.RunAsync(async node =>
        (await IpamChecks.ExhaustionIsACniErrorAsync(node)).AssertPassed());
}

/// <summary>Long stress, excluded by default: <c>dotnet test tests/Netns --filter Category=NetnsStress</c>.</summary>
[TestFixture]
[Category("NetnsStress")]
[Explicit("long stress; run with --filter Category=NetnsStress")]
public sealed class IpamStressTests
{
    [Test]
    public Task FillASlash24InParallelFiveTimes() => TestNode.RunAsync(async node =>
    {
        for (var round = 0; round < 5; round++)
        {
            var verdict = await IpamChecks.ParallelAddDelAsync(node, 253);
            await TestContext.Out.WriteLineAsync($"round {round}: {verdict}");
            verdict.AssertPassed();
        }
    });
}
