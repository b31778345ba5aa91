using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.ForeignStore;

/// <summary>DEL against a store in host-local's layout without bash-cni's index, for every case of the table.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class ForeignStoreTests
{
    public static IEnumerable<TestCaseData> Cases =>
        ForeignStoreCase.All.Select(c => new TestCaseData(c).SetName($"DelReleasesExactlyItsReservationInAForeignStore({c.Name})"));

    [TestCaseSource(nameof(Cases))]
    public Task DelReleasesExactlyItsReservationInAForeignStore(ForeignStoreCase c) => TestNode.RunAsync(async node =>
        (await ForeignStoreChecks.ReleaseAsync(node, c)).AssertPassed());
}
