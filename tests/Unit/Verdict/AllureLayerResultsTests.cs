using BashCni.Harness.Verdict;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Verdict;

/// <summary>
/// Which Allure results a layer's verdict counts: a Netns run with another profile (run-tests.sh's profile tables,
/// summary line netns@NAME) only the results labelled with that profile; the default profile's run none of them.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class AllureLayerResultsTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "bashcni-allure-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        Write("a", "passed", ("parentSuite", "Netns"));
        Write("b", "failed", ("parentSuite", "Netns"));
        Write("c", "passed", ("parentSuite", "Netns"), ("profile", "ptp"));
        Write("d", "skipped", ("parentSuite", "Netns"), ("profile", "ptp"));
        Write("e", "passed", ("parentSuite", "Netns"), ("profile", "static"));
        Write("f", "passed", ("parentSuite", "Unit"));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private void Write(string name, string status, params (string Name, string Value)[] labels)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new
        {
            name,
            fullName = "T." + name,
            status,
            labels = labels.Select(l => new { name = l.Name, value = l.Value }).ToArray(),
        });
        File.WriteAllText(Path.Combine(_dir, $"{name}-result.json"), json);
    }

    [Test]
    public void TheDefaultProfileCountsNoProfileLabelledResult() =>
        Assert.That(AllureLayerResults.Read(_dir, "Netns").Counts, Is.EqualTo(new ResultCounts(1, 1, 0)));

    [Test]
    public void AProfileCountsOnlyItsOwnResults()
    {
        Assert.That(AllureLayerResults.Read(_dir, "Netns", profile: "ptp").Counts, Is.EqualTo(new ResultCounts(1, 0, 1)));
        Assert.That(AllureLayerResults.Read(_dir, "Netns", profile: "static").Counts, Is.EqualTo(new ResultCounts(1, 0, 0)));
        Assert.That(AllureLayerResults.Read(_dir, "Netns", profile: "macvlan").Counts, Is.EqualTo(new ResultCounts(0, 0, 0)));
    }
}
