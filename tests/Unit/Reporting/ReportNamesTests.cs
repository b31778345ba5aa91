using BashCni.Harness.Reporting;
using NUnit.Framework;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace BashCni.Tests.Unit.Reporting;

/// <summary>Names the report shows in narrow places: test names in the tree and breadcrumbs, thread lanes in the timeline.</summary>
[Category("Unit")]
[Feature("Allure results")]
[Story("NUnit mapping")]
public sealed class ReportNamesTests
{
    private const string LongArgument = "      - name: Keep the report history for the next run\n        if: always()\n        uses: actions/cache/save@v4\n";

    private static ITest CurrentTest => TestExecutionContext.CurrentContext.CurrentTest;

    [TestCase(LongArgument, LongArgument + "x")]
    public void ALongParameterisedNameIsShortenedAndItsValuesStayInTheParameters(string first, string second)
    {
        var result = NUnitResultMapper.Describe(CurrentTest);
        Assert.Multiple(() =>
        {
            Assert.That(CurrentTest.Name.Length, Is.GreaterThan(NUnitResultMapper.NameLimit), "the case needs a long NUnit name");
            Assert.That(result.Name.Length, Is.LessThanOrEqualTo(NUnitResultMapper.NameLimit));
            Assert.That(result.Name, Does.StartWith(nameof(ALongParameterisedNameIsShortenedAndItsValuesStayInTheParameters) + "(\"- name: Kee"), "blanks collapsed, each argument cut");
            Assert.That(result.Name, Does.Not.Contain("\n"));
            Assert.That(result.Parameters.Select(p => p.Value), Is.EqualTo(new[] { first, second }), "the whole values");
            Assert.That(result.FullName, Is.EqualTo(CurrentTest.FullName), "the full name (and the history id from it) stays NUnit's");
        });
    }

    [TestCase("short")]
    public void AShortNameStaysNUnits(string value) =>
        Assert.That(NUnitResultMapper.Describe(CurrentTest).Name, Is.EqualTo(CurrentTest.Name));

    [TestCase("ParallelWorker#3", ExpectedResult = "Netns #3")]
    [TestCase("NonParallelWorker", ExpectedResult = "Netns serial")]
    [TestCase(null, ExpectedResult = "Netns t7")]
    [TestCase(".NET TP Worker", ExpectedResult = "Netns t7")]
    public string ThreadLanesAreShort(string? threadName) => NUnitResultMapper.ThreadLabel("Netns", threadName, 7);

    [Test]
    public void TheClusterLayersLanesFitTheTimeline() =>
        Assert.That(NUnitResultMapper.ThreadLabel("Cluster", null, 14), Is.EqualTo("Kube t14"));
}
