using BashCni.Harness.Reporting;
using NUnit.Framework;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace BashCni.Tests.Unit.Reporting;

/// <summary>How NUnit's tests and outcomes become Allure names, ids, labels, parameters and statuses.</summary>
[Category("Unit")]
[Feature("Allure results")]
[Story("NUnit mapping")]
public sealed class NUnitResultMapperTests
{
    private static ITest CurrentTest => TestExecutionContext.CurrentContext.CurrentTest;

    private static IEnumerable<TestCaseData> Outcomes()
    {
        yield return new TestCaseData(ResultState.Success, AllureStatus.Passed);
        yield return new TestCaseData(ResultState.Failure, AllureStatus.Failed);
        yield return new TestCaseData(ResultState.SetUpFailure, AllureStatus.Failed);
        yield return new TestCaseData(ResultState.Failure.WithSite(FailureSite.TearDown), AllureStatus.Failed);
        yield return new TestCaseData(ResultState.Error, AllureStatus.Broken);
        yield return new TestCaseData(ResultState.SetUpError, AllureStatus.Broken);
        yield return new TestCaseData(ResultState.TearDownError, AllureStatus.Broken);
        yield return new TestCaseData(ResultState.Error.WithSite(FailureSite.Parent), AllureStatus.Broken);
        yield return new TestCaseData(ResultState.Failure.WithSite(FailureSite.Parent), AllureStatus.Broken);
        yield return new TestCaseData(ResultState.NotRunnable, AllureStatus.Broken);
        yield return new TestCaseData(ResultState.Cancelled, AllureStatus.Broken);
        yield return new TestCaseData(ResultState.Inconclusive, AllureStatus.Broken);
        yield return new TestCaseData(ResultState.Warning, AllureStatus.Broken);
        yield return new TestCaseData(ResultState.Ignored, AllureStatus.Skipped);
        yield return new TestCaseData(ResultState.Skipped, AllureStatus.Skipped);
        yield return new TestCaseData(ResultState.Explicit, AllureStatus.Skipped);
    }

    [TestCaseSource(nameof(Outcomes))]
    public void OutcomeMapsToStatus(ResultState state, AllureStatus expected) =>
        Assert.That(NUnitResultMapper.StatusOf(state), Is.EqualTo(expected));

    [TestCase(3, "three", true)]
    [TestCase(4, "four", false)]
    public void ArgumentsBecomeParametersNamedAfterTheMethodsParameters(int number, string word, bool flag)
    {
        var parameters = NUnitResultMapper.ParametersOf(CurrentTest);
        Assert.That(parameters, Is.EqualTo(new[]
        {
            new AllureParameter(nameof(number), number.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new AllureParameter(nameof(word), word),
            new AllureParameter(nameof(flag), flag ? "true" : "false"),
        }));
    }

    [TestCase("10.244.1.0/24")]
    [TestCase("10.244.2.0/24")]
    [TestCase("10.244.3.0/24")]
    public void EachArgumentSetHasItsOwnHistoryIdButTheMethodSharesOneTestCaseId(string subnet)
    {
        var siblings = CurrentTest.Parent!.Tests;
        var described = siblings.Select(NUnitResultMapper.Describe).ToList();
        var again = NUnitResultMapper.Describe(CurrentTest);
        var mine = described.Single(r => r.FullName == CurrentTest.FullName);

        Assert.Multiple(() =>
        {
            Assert.That(subnet, Does.StartWith("10.244."));
            Assert.That(siblings, Has.Count.EqualTo(3));
            Assert.That(described.Select(r => r.HistoryId).Distinct().Count(), Is.EqualTo(3), "historyIds differ per argument set");
            Assert.That(described.Select(r => r.TestCaseId).Distinct().Count(), Is.EqualTo(1), "one testCaseId per method");
            Assert.That(described.Select(r => r.FullName).Distinct().Count(), Is.EqualTo(3));
            Assert.That(again.HistoryId, Is.EqualTo(mine.HistoryId), "historyId is stable");
        });
    }

    [Test]
    [Description("the description shown in the report")]
    public void DescribeFillsNamesTitlePathAndDescription()
    {
        var result = NUnitResultMapper.Describe(CurrentTest);
        Assert.Multiple(() =>
        {
            Assert.That(result.Name, Is.EqualTo(nameof(DescribeFillsNamesTitlePathAndDescription)));
            Assert.That(result.FullName, Is.EqualTo($"{typeof(NUnitResultMapperTests).FullName}.{nameof(DescribeFillsNamesTitlePathAndDescription)}"));
            Assert.That(result.TitlePath, Is.EqualTo(new[] { "Unit", "Reporting", nameof(NUnitResultMapperTests) }));
            Assert.That(result.Description, Is.EqualTo("the description shown in the report"));
            Assert.That(result.Parameters, Is.Empty);
            Assert.That(result.HistoryId, Does.Match("^[0-9a-f]{32}$"));
        });
    }

    [TestCase("x")]
    [Severity(SeverityLevel.Critical)]
    [Category("Slow")]
    [Epic("Reporting"), Story("Labels")]
    public void LabelsCarryTheTreeBehavioursSeverityTagsAndOrigin(string value)
    {
        var labels = NUnitResultMapper.LabelsOf(CurrentTest, "worker-1");
        string? One(string name) => labels.Single(l => l.Name == name).Value;
        IEnumerable<string> All(string name) => labels.Where(l => l.Name == name).Select(l => l.Value);

        Assert.Multiple(() =>
        {
            Assert.That(value, Is.EqualTo("x"));
            Assert.That(One(AllureLabels.ParentSuite), Is.EqualTo("Unit"), "parentSuite is the layer from the category");
            Assert.That(One(AllureLabels.Suite), Is.EqualTo(nameof(NUnitResultMapperTests)));
            Assert.That(One(AllureLabels.SubSuite), Is.EqualTo(nameof(LabelsCarryTheTreeBehavioursSeverityTagsAndOrigin)),
                "parameterized tests are grouped under their method");
            Assert.That(All(AllureLabels.Epic), Is.EqualTo(new[] { "Unit layer" }), "epic is the layer, whatever [Epic] says");
            Assert.That(All(AllureLabels.Feature), Is.EqualTo(new[] { "Reporting" }), "feature is the area (namespace below the layer)");
            Assert.That(One(AllureLabels.Layer), Is.EqualTo("Unit"));
            Assert.That(All(AllureLabels.Story), Is.EqualTo(new[] { "Labels", "NUnit mapping" }), "nearest first");
            Assert.That(One(AllureLabels.Severity), Is.EqualTo("critical"));
            Assert.That(All(AllureLabels.Tag), Is.EquivalentTo(new[] { "Slow", "Unit", "Reporting" }), "categories and [Epic] become tags");
            Assert.That(One(AllureLabels.Thread), Is.EqualTo("worker-1"));
            Assert.That(One(AllureLabels.Host), Is.EqualTo(Environment.MachineName));
            Assert.That(One(AllureLabels.Framework), Is.EqualTo("nunit"));
            Assert.That(One(AllureLabels.Language), Is.EqualTo("csharp"));
            Assert.That(One(AllureLabels.Package), Is.EqualTo("BashCni.Tests.Unit.Reporting"));
            Assert.That(One(AllureLabels.TestClass), Is.EqualTo(typeof(NUnitResultMapperTests).FullName));
            Assert.That(One(AllureLabels.TestMethod), Is.EqualTo(nameof(LabelsCarryTheTreeBehavioursSeverityTagsAndOrigin)));
        });
    }

    [Test]
    public void WithoutAttributesBehavioursComeFromTheLayerAndNamespaceAndSeverityIsNormal()
    {
        var labels = NUnitResultMapper.LabelsOf(CurrentTest, "t");
        Assert.Multiple(() =>
        {
            Assert.That(labels.Where(l => l.Name == AllureLabels.SubSuite), Is.Empty, "a plain test sits directly under its fixture");
            Assert.That(labels.Single(l => l.Name == AllureLabels.Epic).Value, Is.EqualTo("Unit layer"));
            Assert.That(labels.Single(l => l.Name == AllureLabels.Severity).Value, Is.EqualTo("normal"));
        });
    }

    [Test]
    public void LayerIsTakenFromTheCategory() =>
        Assert.That(NUnitResultMapper.LayerOf(CurrentTest), Is.EqualTo("Unit"));

    [Test]
    public void ValuesAreFormattedInvariantly()
    {
        Assert.Multiple(() =>
        {
            Assert.That(NUnitResultMapper.FormatValue(null), Is.EqualTo("null"));
            Assert.That(NUnitResultMapper.FormatValue(1.5), Is.EqualTo("1.5"));
            Assert.That(NUnitResultMapper.FormatValue(new[] { 1, 2 }), Is.EqualTo("[1, 2]"));
            Assert.That(NUnitResultMapper.FormatValue(new[] { "a", null }), Is.EqualTo("[a, null]"));
            Assert.That(NUnitResultMapper.FormatValue(false), Is.EqualTo("false"));
        });
    }
}
