using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Ipam;

/// <summary>Allocation at both ends of a range, before and after wrap-around, with releases in every order.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class RangeWrapTests
{
    public static IEnumerable<TestCaseData> Orders =>
        RangeChecks.ReleaseOrders().Select(o => new TestCaseData((object)o).SetArgDisplayNames(string.Join("-", o)));

    [TestCaseSource(nameof(Orders))]
    public Task WrapAroundAndReleaseOrder(int[] releaseOrder) => TestNode.RunAsync(async node =>
    {
        if (!node.Profile.IsBashCni) Assert.Ignore("drives bash-cni-ipam directly; the profile's IPAM is another plugin");
        var verdict = await RangeChecks.WrapAroundAsync(node, releaseOrder);
        await TestContext.Out.WriteLineAsync(verdict.ToString());
        verdict.AssertPassed();
    });
}
