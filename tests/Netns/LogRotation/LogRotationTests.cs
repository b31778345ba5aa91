using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.LogRotation;

/// <summary>The plugin log rotates at its size limit without losing or splitting a line, for every case of the table.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class LogRotationTests
{
    public static IEnumerable<TestCaseData> Cases =>
        LogRotationCase.All.Select(c => new TestCaseData(c).SetName($"LogRotatesAtItsLimit({c.Name})"));

    [TestCaseSource(nameof(Cases))]
    public Task LogRotatesAtItsLimit(LogRotationCase c) => TestNode.RunAsync(async node =>
    {
        if (!node.Profile.IsBashCni) Assert.Ignore("the size limit and the .1 generation are bash-cni's log contract");
        (await LogRotationChecks.RotationAsync(node, c)).AssertPassed();
    });
}
