using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Conformance;

/// <summary>CHECK (0.4.0+): passes right after ADD, fails after the pod was changed by hand.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class CheckTests
{
    [Test]
    public Task CheckAgainstTheKernel([Values] Drift drift) => TestNode.RunAsync(async node =>
    {
        node.Profile.Require(PluginProfile.Check, "CHECK");
        Assert.That(await CheckChecks.AdvertisedCheckVersionAsync(node), Is.Not.Null,
            $"profile '{node.Profile.Name}' claims CHECK but VERSION advertises no version ≥ 0.4.0");
        (await CheckChecks.CheckSeesDriftAsync(node, drift)).AssertPassed();
    });

    [Test]
    public Task CheckPassesTheDelegatedIpamErrorOn() => TestNode.RunAsync(async node =>
    {
        node.Profile.Require(PluginProfile.Check, "CHECK");
        (await DelegateCheckChecks.DelegatedCheckErrorAsync(node)).AssertPassed();
    });
}
