using BashCni.Harness.Verdict;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Verdict;

/// <summary>Each rule of the run's verdict, fed the case it exists for, and the summary's form.</summary>
[Category("Unit")]
[Category(BashCni.Harness.Layers.QuickRun.Category)]
public sealed class RunRulesTests
{
    private static readonly LayerVerdict GreenUnit = new("unit", 10, 0, 1, [], ["unit  A.B — r (allowed: r)"], false);
    private static readonly BrowserCheck Passed = new(BrowserCheckState.Passed, "passed: all checks");

    [Test]
    public void AGreenRunIsGreen()
    {
        var v = RunRules.Judge([GreenUnit], Passed, ci: true);
        Assert.That(v.RedBecause, Is.Empty);
        Assert.That(v.LastLine, Is.EqualTo("10 passed, 0 failed, 1 skipped"));
    }

    [Test]
    public void ARedLayerMakesTheRunRed()
    {
        var v = RunRules.Judge([GreenUnit, new("netns", 3, 0, 0, ["the layer's final checks executed no test"], [], true)], Passed, ci: false);
        Assert.That(v.Red, Is.True);
        Assert.That(v.RedBecause.Single(), Does.Contain("final checks executed no test"));
    }

    [Test]
    public void ANotRunLayerIsRedOnlyUnderCi([Values] bool ci)
    {
        var v = RunRules.Judge([GreenUnit, LayerRules.NotRun("netns", "needs root", ci)], Passed, ci);
        Assert.That(v.Red, Is.EqualTo(ci));
    }

    [Test]
    public void ABrowserCheckThatDidNotRunIsRedUnderCi()
    {
        var v = RunRules.Judge([GreenUnit], new(BrowserCheckState.NotRun, "not run: needs root"), ci: true);
        Assert.That(v.Red, Is.True);
        Assert.That(v.RedBecause.Single(), Does.Contain("browser check was not run"));
    }

    [Test]
    public void AFailedBrowserCheckIsRedEverywhere()
    {
        Assert.That(RunRules.Judge([GreenUnit], new(BrowserCheckState.Failed, "FAILED (exit 1)"), ci: false).Red, Is.True);
    }

    [Test]
    public void NoReportAskedForNeedsNoBrowserCheck()
    {
        Assert.That(RunRules.Judge([GreenUnit], new(BrowserCheckState.NotWanted, ""), ci: true).Red, Is.False);
    }

    [Test]
    public void AFailedBenchIsRed()
    {
        Assert.That(RunRules.Judge([GreenUnit, LayerRules.Bench(3)], Passed, ci: false).Red, Is.True);
        Assert.That(RunRules.Judge([GreenUnit, LayerRules.Bench(0)], Passed, ci: false).Red, Is.False);
    }

    [Test]
    public void TheSummaryKeepsItsFormAndEndsWithTheCounts()
    {
        var layers = new[] { GreenUnit, LayerRules.NotRun("netns", "needs root to build its network sandbox", ci: true) };
        var browser = new BrowserCheck(BrowserCheckState.NotRun, "not run: needs root");
        var v = RunRules.Judge(layers, browser, ci: true);
        var lines = SummaryText.Lines(layers, browser, v, "/r/allure-report/index.html", 2, ci: true).ToList();
        Assert.That(lines, Is.EqualTo(new[]
        {
            "",
            "Summary",
            "  unit     10 passed, 0 failed, 1 skipped",
            "  netns    NOT RUN: needs root to build its network sandbox",
            "  report   /r/allure-report/index.html",
            "  browser  not run: needs root; CI=true: the run fails",
            "  load     2 CPU-bound hog processes ran beside the layers",
            "Skipped (1):",
            "  unit  A.B — r (allowed: r)",
            "Not run (1): netns — they need root; CI=true: the run fails",
            "10 passed, 0 failed, 1 skipped",
        }));
        Assert.That(lines[^1], Does.Match(@"^\d+ passed, \d+ failed, \d+ skipped$"));
    }
}
