using BashCni.Harness.Verdict;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Verdict;

/// <summary>Each rule of a layer's verdict, fed the case it exists for.</summary>
[Category("Unit")]
[Category(BashCni.Harness.Layers.QuickRun.Category)]
public sealed class LayerRulesTests
{
    private static readonly ExpectedSkips NoSkips = ExpectedSkips.None;

    private static LayerFacts Facts(TrxCounts? main, TrxCounts? final, ResultCounts? report = null, IReadOnlyList<SkippedTest>? skips = null,
        int rc = 0, int finalRc = 0, string target = "local", bool ci = false)
    {
        var total = (main ?? new(0, 0, 0)) is var m && (final ?? new(0, 0, 0)) is var f
            ? new ResultCounts(m.Passed + f.Passed, m.Failed + f.Failed, m.Skipped + f.Skipped) : null!;
        return new LayerFacts("netns", new LayerRun("netns.trx", main, rc), new LayerRun("netns-final.trx", final, finalRc),
            new AllureLayerResults(report ?? total, skips ?? []), target, ci);
    }

    [Test]
    public void AGreenLayerIsGreen()
    {
        var v = LayerRules.Judge(Facts(new(10, 9, 0), new(3, 3, 0)), NoSkips);
        Assert.That(v.Red, Is.False, v.Summary);
        Assert.That(v.Summary, Is.EqualTo("12 passed, 0 failed, 1 skipped"));
    }

    [Test]
    public void AFinalCheckRunThatExecutedNoTestIsRed()
    {
        // Every final check ignored or filtered away: the host was never compared.
        var v = LayerRules.Judge(Facts(new(10, 10, 0), new(3, 0, 0)), NoSkips);
        Assert.That(v.Red, Is.True, v.Summary);
        Assert.That(v.Notes, Does.Contain("the layer's final checks executed no test"));
    }

    [Test]
    public void ALayerThatExecutedNoTestIsRed()
    {
        var v = LayerRules.Judge(Facts(new(4, 0, 0), new(3, 3, 0)), NoSkips);
        Assert.That(v.Red, Is.True);
        Assert.That(v.Notes, Does.Contain("the layer executed no test"));
    }

    [Test]
    public void AMissingTrxIsRed([Values] bool finalMissing)
    {
        var v = finalMissing ? LayerRules.Judge(Facts(new(1, 1, 0), null, new(1, 0, 0), finalRc: 1), NoSkips)
            : LayerRules.Judge(Facts(null, new(1, 1, 0), new(1, 0, 0), rc: 1), NoSkips);
        Assert.That(v.Red, Is.True);
        Assert.That(v.Summary, Does.Contain(finalMissing ? "netns-final.trx was not written" : "netns.trx was not written"));
    }

    [Test]
    public void AReportThatDisagreesWithTheTestPlatformIsRed()
    {
        // A test without an Allure result file (its writer crashed): the report would show a greener run.
        var v = LayerRules.Judge(Facts(new(10, 9, 1), new(1, 1, 0), report: new(10, 0, 0)), NoSkips);
        Assert.That(v.Red, Is.True);
        Assert.That(v.Summary, Does.Contain("the report holds 10 passed, 0 failed, 0 skipped"));
    }

    [Test]
    public void ANonZeroExitWithNothingFailedIsRed()
    {
        var v = LayerRules.Judge(Facts(new(2, 2, 0), new(1, 1, 0), finalRc: 1), NoSkips);
        Assert.That(v.Red, Is.True);
        Assert.That(v.Summary, Does.Contain("dotnet test exited 0/1"));
    }

    [Test]
    public void AFailedTestIsRed()
    {
        var v = LayerRules.Judge(Facts(new(2, 1, 1), new(1, 1, 0), rc: 1), NoSkips);
        Assert.That((v.Red, v.Failed), Is.EqualTo((true, 1)));
    }

    private static readonly SkippedTest SshSkip = new("BashCni.Tests.Cluster.RealClusters.SshNodeAccessTests.RunsACommand", "no ssh");

    private static readonly ExpectedSkips SshOnRealTargets = ExpectedSkips.Parse(
        "BashCni.Tests.Cluster.RealClusters.SshNodeAccessTests.* | kind,kubeconfig,aws | drives the local cluster's own sshd nodes\n");

    [Test]
    public void ASkipAllowedOnlyOnOtherTargetsIsRedUnderCi()
    {
        var v = LayerRules.Judge(Facts(new(2, 1, 0), new(1, 1, 0), skips: [SshSkip], target: "local", ci: true), SshOnRealTargets);
        Assert.That(v.Red, Is.True, v.Summary);
        Assert.That(v.SkipLines.Single(), Does.Contain("allowed only on target kind,kubeconfig,aws, this run's target is local"));
    }

    [Test]
    public void ASkipAllowedOnThisTargetIsGreenUnderCi()
    {
        var v = LayerRules.Judge(Facts(new(2, 1, 0), new(1, 1, 0), skips: [SshSkip], target: "aws", ci: true), SshOnRealTargets);
        Assert.That(v.Red, Is.False, v.Summary);
        Assert.That(v.SkipLines.Single(), Does.EndWith("(allowed: drives the local cluster's own sshd nodes)"));
    }

    [Test]
    public void AnUnlistedSkipIsListedAndRedOnlyUnderCi([Values] bool ci)
    {
        var v = LayerRules.Judge(Facts(new(2, 1, 0), new(1, 1, 0), skips: [new("X.Y.Z", "why")], ci: ci), SshOnRealTargets);
        Assert.That(v.Red, Is.EqualTo(ci));
        Assert.That(v.SkipLines.Single(), Is.EqualTo("netns  X.Y.Z — why (NOT in fixtures/expected-skips)"));
    }

    [Test]
    public void AMalformedAllowListIsRed()
    {
        // The format of before: no targets. Read as "any target" it would allow the SSH skip on the local target again.
        var list = ExpectedSkips.Parse("BashCni.Tests.Cluster.RealClusters.SshNodeAccessTests.* | drives the local cluster's own sshd nodes\n");
        Assert.That(list.Rules, Is.Empty);
        var v = LayerRules.Judge(Facts(new(2, 1, 0), new(1, 1, 0), skips: [SshSkip]), list);
        Assert.That(v.Red, Is.True);
        Assert.That(v.Summary, Does.Contain("fixtures/expected-skips line 1: not 'GLOB | TARGETS | reason'"));
    }

    [Test]
    public void TheRepositorysAllowListParses()
    {
        var list = ExpectedSkips.Read(Path.Combine(BashCni.Harness.RepoPaths.Root, "fixtures", "expected-skips"));
        Assert.That(list.Errors, Is.Empty);
        Assert.That(list.Rules, Is.Not.Empty);
        Assert.That(list.Allowing(SshSkip.FullName, "local"), Is.Null, "an SSH test may not skip on the local target");
    }

    [Test]
    public void AGlobMatchesLiterallyExceptItsWildcards()
    {
        var list = ExpectedSkips.Parse("A.B.T(\"x.conf\") | any | r\nA.C.* | any | r\n");
        Assert.That(list.Allowing("A.B.T(\"x.conf\")", "local"), Is.Not.Null);
        Assert.That(list.Allowing("A.B.T(\"xyconf\")", "local"), Is.Null, "a dot is a dot");
        Assert.That(list.Allowing("A.C.Anything(1)", "kind"), Is.Not.Null);
        Assert.That(list.Allowing("A.CD.X", "kind"), Is.Null);
    }

    [Test]
    public void TrxCountersAreReadFromTheFile()
    {
        var dir = Directory.CreateTempSubdirectory("bashcni-trx-");
        try
        {
            var path = Path.Combine(dir.FullName, "x.trx");
            File.WriteAllText(path, """
                <?xml version="1.0" encoding="utf-8"?>
                <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><ResultSummary outcome="Failed">
                <Counters total="9" executed="8" passed="5" failed="1" error="1" timeout="0" aborted="1" inconclusive="0" notExecuted="1" />
                </ResultSummary></TestRun>
                """);
            Assert.That(TrxCounts.Read(path), Is.EqualTo(new TrxCounts(9, 5, 3)));
            Assert.That(TrxCounts.Read(Path.Combine(dir.FullName, "missing.trx")), Is.Null);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
