using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.CniPath;

/// <summary>The delegated IPAM plugin is found in any directory of CNI_PATH, for every case of the table.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class CniPathTests
{
    public static IEnumerable<TestCaseData> Cases =>
        CniPathCase.All.Select(c => new TestCaseData(c).SetName($"DelegatedIpamFoundInCniPath({c.Name})"));

    [TestCaseSource(nameof(Cases))]
    public Task DelegatedIpamFoundInCniPath(CniPathCase c) => TestNode.RunAsync(async node =>
    {
        if (!node.Profile.IsBashCni) Assert.Ignore("delegates to bash-cni-ipam; the profile's plugin is another");
        (await CniPathChecks.DelegatedAsync(node, c)).AssertPassed();
    });
}
