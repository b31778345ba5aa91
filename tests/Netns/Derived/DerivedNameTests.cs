using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Derived;

/// <summary>Names and MACs derived from container IDs and addresses stay distinct, for every case of the table.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class DerivedNameTests
{
    public static IEnumerable<TestCaseData> Cases =>
        DerivedNameCase.All.Select(c => new TestCaseData(c).SetName($"DerivedNamesAndMacsStayDistinct({c.Name})"));

    [TestCaseSource(nameof(Cases))]
    public Task DerivedNamesAndMacsStayDistinct(DerivedNameCase c) => TestNode.RunAsync(async node =>
        (await DerivedNameChecks.DistinctAsync(node, c)).AssertPassed());
}
