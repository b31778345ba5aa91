using BashCni.Harness.Cost;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Cost;

/// <summary>The suite's cost: durations read from a TRX file, the most expensive tests, the printed and Markdown forms.</summary>
[Category("Unit")]
public sealed class CostTests
{
    private const string Trx = """
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>
            <UnitTestResult testId="a" testName="Slow(1)" duration="00:00:41.5000000" outcome="Passed" />
            <UnitTestResult testId="b" testName="Quick" duration="00:00:00.2500000" outcome="Passed" />
            <UnitTestResult testId="c" testName="Skipped" outcome="NotExecuted" />
            <UnitTestResult testId="d" testName="Minutes" duration="00:01:02.0000000" outcome="Failed" />
          </Results>
          <TestDefinitions>
            <UnitTest id="a" name="Slow(1)"><TestMethod className="BashCni.Tests.Netns.Faults.KillTests" name="Slow" /></UnitTest>
            <UnitTest id="b" name="Quick"><TestMethod className="BashCni.Tests.Netns.Quick" name="Quick" /></UnitTest>
            <UnitTest id="c" name="Skipped"><TestMethod className="Top" name="Skipped" /></UnitTest>
            <UnitTest id="d" name="Minutes"><TestMethod className="A.B.Long" name="Minutes" /></UnitTest>
          </TestDefinitions>
        </TestRun>
        """;

    private string _dir = "";

    [SetUp]
    public void MakeDir() => _dir = Directory.CreateTempSubdirectory("bashcni-cost-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(_dir, recursive: true);

    private IReadOnlyList<TestCost> ReadSample()
    {
        var path = Path.Combine(_dir, "netns.trx");
        File.WriteAllText(path, Trx);
        return TrxDurations.Read(path);
    }

    [Test]
    public void EachResultIsNamedByItsClassAndCarriesItsDuration()
    {
        var tests = ReadSample();
        Assert.That(tests, Is.EqualTo(new[]
        {
            new TestCost("KillTests.Slow(1)", 41.5),
            new TestCost("Quick.Quick", 0.25),
            new TestCost("Top.Skipped", 0),
            new TestCost("Long.Minutes", 62),
        }));
    }

    [Test]
    public void AMissingTrxFileHasNoTests() =>
        Assert.That(TrxDurations.Read(Path.Combine(_dir, "absent.trx")), Is.Empty);

    [Test]
    public void TheMostExpensiveTestsComeFirstAndOnlyAsManyAsAsked()
    {
        var cost = new LayerCost("netns", 50, 80, 1234, ReadSample());
        Assert.That(cost.Top(2).Select(t => t.Name), Is.EqualTo(new[] { "Long.Minutes", "KillTests.Slow(1)" }));
        Assert.That(cost.TestSeconds, Is.EqualTo(103.75).Within(1e-9));
        Assert.That(cost.Cores, Is.EqualTo(1.6).Within(1e-9));
    }

    [Test]
    public void ALayerWithoutWallTimeUsesNoCores() =>
        Assert.That(new LayerCost("bench", 0, 3, 0, []).Cores, Is.Zero);

    [Test]
    public void ThePrintedCostNamesEachLayerItsCpuAndItsMostExpensiveTests()
    {
        var lines = CostText.Lines([new LayerCost("netns", 50, 80, 1234, ReadSample()), new LayerCost("bench", 10, 5, 7, [])]).ToList();
        Assert.That(lines, Does.Contain("  netns: wall 50.0 s, CPU 80.0 s (1.60 cores), 4 tests summing 103.8 s, 1234 processes started"));
        Assert.That(lines, Does.Contain("       62.0 s  Long.Minutes"));
        Assert.That(lines.IndexOf("       62.0 s  Long.Minutes"), Is.LessThan(lines.IndexOf("       41.5 s  KillTests.Slow(1)")));
        Assert.That(lines[^1], Is.EqualTo("  all layers: wall 60.0 s, CPU 85.0 s"));
    }

    [Test]
    public void TheMarkdownHasALayerTableAndATopTablePerLayerWithTests()
    {
        var md = CostText.Markdown([new LayerCost("netns", 50, 80, 1234, ReadSample()), new LayerCost("bench", 10, 5, 7, [])], "Suite cost: abc1234");
        Assert.That(md, Does.StartWith("# Suite cost: abc1234\n"));
        Assert.That(md, Does.Contain("| netns | 50.0 | 80.0 | 1.60 | 4 | 103.8 | 1234 |"));
        Assert.That(md, Does.Contain("| bench | 10.0 | 5.0 | 0.50 | 0 | 0.0 | 7 |"));
        Assert.That(md, Does.Contain("## netns: the 10 most expensive tests"));
        Assert.That(md, Does.Not.Contain("## bench"));
        Assert.That(md, Does.Contain("| 41.5 | `KillTests.Slow(1)` |"));
    }
}
