using BashCni.Harness.Layers;
using BashCni.Harness.Conformance;
using BashCni.Harness.Reporting;
using BashCni.Tests.Netns.SelfTest;

namespace BashCni.Tests.Netns.ConformanceTable;

/// <summary>Every netns check names the spec clause it enforces (ClauseMap); clauses no check enforces are listed.</summary>
[TestFixture]
[Category("Netns")]
[Category(QuickRun.Category)]
public sealed class ClauseMapTests
{
    [Test]
    public void EveryCheckNamesAClause()
    {
        var without = Catchers.All.Keys.Where(k => ClauseMap.ClausesOf(k).Count == 0).Order(StringComparer.Ordinal).ToList();
        Assert.That(without, Is.Empty, "checks that name no CNI spec clause (add them to tests/Harness/Conformance/ClauseMap.cs)");
    }

    [Test]
    public void EveryMappedPatternMatchesACheck()
    {
        var checks = Catchers.All.Keys.ToList();
        var dead = ClauseMap.Checks.SelectMany(kv => kv.Value.Select(p => (kv.Key, p)))
            .Where(x => !checks.Any(c => System.Text.RegularExpressions.Regex.IsMatch(c, x.p)))
            .Select(x => $"{x.Key}: /{x.p}/").ToList();
        Assert.That(dead, Is.Empty, "clause map patterns that match no check (a check was renamed?)");
    }

    [Test]
    public void UncoveredClausesAreListed()
    {
        var uncovered = ClauseMap.Uncovered(Catchers.All.Keys);
        var text = uncovered.Count == 0 ? "every clause has a check"
            : string.Join("\n", uncovered.Select(c => $"{c.Id} ({c.SpecVersion} {c.Section}, {c.LevelWord}): {c.Text}"));
        Evidence.Attach("uncovered clauses", text);
        TestContext.Out.WriteLine(text);
        Assert.That(ClauseMap.Clauses.Select(c => c.Id), Is.Unique);
        Assert.That(ClauseMap.Checks.Keys, Is.SubsetOf(ClauseMap.Clauses.Select(c => c.Id)));
    }
}
