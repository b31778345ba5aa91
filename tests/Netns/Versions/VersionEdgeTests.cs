using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Versions;

/// <summary>CNI version negotiation at its edges, one test per case of <see cref="VersionEdgeCase"/>.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class VersionEdgeTests
{
    public static IEnumerable<TestCaseData> Cases =>
        VersionEdgeCase.All.Select(c => new TestCaseData(c).SetName($"VersionAtTheEdgeIsRefused({c.Name})"));

    [TestCaseSource(nameof(Cases))]
    public Task VersionAtTheEdgeIsRefused(VersionEdgeCase c) => TestNode.RunAsync(async node =>
        (await VersionEdgeChecks.RefusedAsync(node, c)).AssertPassed());
}
