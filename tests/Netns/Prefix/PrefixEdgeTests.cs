using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Prefix;

/// <summary>Every prefix length at an edge of what README accepts, and one past each edge.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class PrefixEdgeTests
{
    public static IEnumerable<TestCaseData> Cases =>
        PrefixEdgeCase.All.Select(c => new TestCaseData(c).SetName($"SubnetPrefixAtItsEdge({c.Name})"));

    [TestCaseSource(nameof(Cases))]
    public Task SubnetPrefixAtItsEdge(PrefixEdgeCase c) => TestNode.RunAsync(async node =>
        (await PrefixEdgeChecks.EdgeAsync(node, c)).AssertPassed());
}
