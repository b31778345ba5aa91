using BashCni.Harness.Reachability;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Reachability;

/// <summary>The HTML table of a stage's probe report: summary, one cell per source × target, differences marked.</summary>
[TestFixture]
[Category("Unit")]
public sealed class ReachabilityTableTests
{
    private static readonly ReachabilityOptions Fast = new()
    {
        OutsideHost = ReachabilityOptions.LocalOutsideHost,
        RetryDelay = TimeSpan.Zero,
        SecondPassAttempts = 1,
        MaxConcurrency = 4,
    };

    // The lab's network: a pod reaches only its own node's bridge.
    private static async Task<ProbeReport> LabReportAsync()
    {
        await using var cluster = new FakeCluster
        {
            OnExec = (pod, command, _, _) =>
            {
                var node = FakeCluster.LabPods.Single(p => p.Name == pod).Node;
                var bridge = node == "worker-1" ? "10.244.1.1" : "10.244.2.1";
                return Task.FromResult(FakeCluster.Result(command, FakeCluster.TargetOf(command) == bridge ? 0 : 1));
            },
        };
        var plan = ProbePlan.Create(ExpectedMatrix.ForStage("lab"), FakeCluster.LabNodes, FakeCluster.LabPods, Fast);
        return await ReachabilityProbe.RunAsync(cluster, plan);
    }

    [Test]
    public async Task AMatchingStageHasASummaryAndNoMarkedCell()
    {
        var report = await LabReportAsync();
        var html = ReachabilityTable.Render(report);
        Assert.Multiple(() =>
        {
            Assert.That(ReachabilityTable.Summary(report), Is.EqualTo($"{report.Diff.ComparedCells} cells compared, {report.Diff.ComparedCells} as expected"));
            Assert.That(html, Does.Contain("<table class=\"reach\" data-stage=\"lab\""));
            Assert.That(html, Does.Not.Contain(ReachabilityTable.DifferenceClass + "\""));
            Assert.That(html, Does.Not.Contain(" " + ReachabilityTable.DifferenceClass));
            Assert.That(CountOf(html, "<tr><th scope=\"row\""), Is.EqualTo(report.Plan.Expected.Targets.Count), "one row per target");
            Assert.That(CountOf(html, "<th scope=\"col\""), Is.EqualTo(report.Plan.Expected.Sources.Count), "one column per source");
            Assert.That(html, Does.Contain("title=\"nginx-worker-1 -&gt; own-bridge"), "each cell carries its attempts");
            Assert.That(html, Does.Not.Contain("<style"), "the report removes style blocks from a description: inline styles only");
            Assert.That(html, Does.Not.Contain("<script"), "no script in an attachment");
        });
    }

    [Test]
    public async Task AFlippedExpectationIsExactlyOneMarkedCellWithBothValues()
    {
        var report = (await LabReportAsync()).WithFlippedExpectation("bash-worker-1", "own-bridge");
        var html = ReachabilityTable.Render(report);
        Assert.Multiple(() =>
        {
            Assert.That(report.Diff.Differences, Has.Count.EqualTo(1));
            Assert.That(CountOf(html, " " + ReachabilityTable.DifferenceClass + "\""), Is.EqualTo(2), "once in the differences on top, once in the matrix");
            Assert.That(html.IndexOf("<table class=\"diffs\"", StringComparison.Ordinal), Is.LessThan(html.IndexOf("<table class=\"reach\"", StringComparison.Ordinal)));
            Assert.That(ReachabilityTable.RenderCsv(report), Does.Contain(",✗ yes (expected no),"));
            Assert.That(html, Does.Contain("yes (expected no)"));
            Assert.That(report.Headline, Does.StartWith("1 of " + report.Diff.ComparedCells + " cells differ: bash-worker-1 → own-bridge expected no, observed yes — "),
                "the failure's first line names the cell, both values and why");
            Assert.That(report.ToString().Split('\n')[0], Is.EqualTo(report.Headline));
            Assert.That(report.ToString(), Does.Not.Contain(ReachabilityGrid.Corner), "the grids are attachments, not the message");
            Assert.That(ReachabilityTable.RenderCsv(report).Split('\n')[1], Does.StartWith("bash-worker-1,"), "the differing cell is the first row");
            Assert.That(ReachabilityTable.Summary(report), Does.EndWith("1 differs: bash-worker-1 -> own-bridge expected no, observed yes"));
        });
    }

    [Test]
    public void ViaWinsOverTheCommandLine()
    {
        var probe = new PlannedProbe("a", ProbeTarget.Parse("own-bridge"), Reach.Yes, "10.0.0.1", ["ping", "-c", "1", "10.0.0.1"]);
        var attempt = new ProbeAttempt(1, probe.Display, 0, "", TimeSpan.FromMilliseconds(3), Reach.Yes) { Via = "node netns" };
        Assert.Multiple(() =>
        {
            Assert.That(ReachabilityTable.How(new ProbeCell(probe, [attempt])), Is.EqualTo("node netns"));
            Assert.That(ReachabilityTable.How(new ProbeCell(probe, [attempt with { Via = "" }])), Is.EqualTo("ping -c 1 10.0.0.1"));
        });
    }

    [Test]
    public void NamesAreEscaped()
    {
        var probe = new PlannedProbe("a", ProbeTarget.Parse("own-bridge"), Reach.Yes, null, [], "no <b>pod</b> IP");
        Assert.That(ReachabilityTable.How(new ProbeCell(probe, [])), Is.EqualTo("cannot probe: no <b>pod</b> IP"));
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
