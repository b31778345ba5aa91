using NUnit.Framework;
using BashCni.Harness.Reachability;

namespace BashCni.Tests.Unit.Reachability;

[TestFixture]
[Category("Unit")]
public sealed class MatrixTests
{
    private static ReachabilityMatrix Matrix(Reach initial) => new(["a", "bb"], ["own-bridge", "outside"], initial);

    [Test]
    public void Diff_OfEqualMatrices_IsEmpty()
    {
        var expected = Matrix(Reach.No);
        expected["a", "own-bridge"] = Reach.Yes;

        var diff = MatrixDiff.Compute(expected, expected.Clone());

        Assert.Multiple(() =>
        {
            Assert.That(diff.IsEmpty, Is.True);
            Assert.That(diff.ComparedCells, Is.EqualTo(4));
            Assert.That(diff.ToString(), Does.Contain("matches the expectation (4 cells)"));
        });
    }

    [Test]
    public void Diff_ListsEveryCellThatDiffers()
    {
        var expected = Matrix(Reach.No);
        expected["a", "own-bridge"] = Reach.Yes;
        var observed = expected.Clone();
        observed["a", "own-bridge"] = Reach.No;
        observed["bb", "outside"] = Reach.Yes;

        var diff = MatrixDiff.Compute(expected, observed);

        Assert.Multiple(() =>
        {
            Assert.That(diff.IsEmpty, Is.False);
            Assert.That(diff.Differences, Is.EqualTo(new[]
            {
                new CellDifference("a", "own-bridge", Reach.Yes, Reach.No),
                new CellDifference("bb", "outside", Reach.No, Reach.Yes),
            }));
            Assert.That(diff.ToString(), Does.Contain("2 of 4 cells differ")
                .And.Contain("a -> own-bridge: expected yes, observed no")
                .And.Contain("bb -> outside: expected no, observed yes"));
        });
    }

    [Test]
    public void Diff_IgnoresNotApplicableCells_ButCountsProbeErrors()
    {
        var expected = Matrix(Reach.Yes);
        expected["a", "outside"] = Reach.NotApplicable;
        var observed = Matrix(Reach.Yes);
        observed["a", "outside"] = Reach.No;
        observed["bb", "outside"] = Reach.Error;

        var diff = MatrixDiff.Compute(expected, observed);

        Assert.Multiple(() =>
        {
            Assert.That(diff.Differences, Has.Count.EqualTo(1));
            Assert.That(diff.Differences[0], Is.EqualTo(new CellDifference("bb", "outside", Reach.Yes, Reach.Error)));
            Assert.That(diff.ComparedCells, Is.EqualTo(3));
        });
    }

    [Test]
    public void Diff_RefusesMatricesOfDifferentShape()
    {
        var other = new ReachabilityMatrix(["a", "bb"], ["outside", "own-bridge"]);

        Assert.That(() => MatrixDiff.Compute(Matrix(Reach.No), other), Throws.ArgumentException.With.Message.Contains("differ in shape"));
    }

    [Test]
    public void Render_IsAnAlignedGrid_TargetsDownSourcesAcross()
    {
        var m = Matrix(Reach.No);
        m["a", "own-bridge"] = Reach.Yes;
        m["bb", "outside"] = Reach.Error;
        m["a", "outside"] = Reach.NotApplicable;

        var text = m.Render("expected (lab)");

        Assert.That(text, Is.EqualTo(
            "expected (lab)\n" +
            "target \\ from  a    bb\n" +
            "own-bridge     yes  no\n" +
            "outside        -    ERR\n"));
    }

    [Test]
    public void DiffGrid_MarksMatchesMismatchesAndSkippedCells()
    {
        var expected = Matrix(Reach.Yes);
        expected["bb", "own-bridge"] = Reach.NotApplicable;
        var observed = expected.Clone();
        observed["a", "outside"] = Reach.No;

        var grid = MatrixDiff.Compute(expected, observed).RenderGrid("diff");

        Assert.That(grid, Does.StartWith(
            "diff\n" +
            "target \\ from  a    bb\n" +
            "own-bridge     .    -\n" +
            "outside        !no  .\n").And.Contain("legend:"));
    }

    [Test]
    public void Render_AlignsLongNames()
    {
        var m = new ReachabilityMatrix(["nginx-worker-1", "b"], ["own-bridge", "http:nginx-worker-2"], Reach.Yes);

        var lines = m.Render("t").Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        var header = lines[0];
        var secondColumn = header.IndexOf("b", header.IndexOf("nginx-worker-1", StringComparison.Ordinal) + 14, StringComparison.Ordinal);

        Assert.Multiple(() =>
        {
            foreach (var line in lines.Skip(1))
            {
                Assert.That(line.IndexOf("yes", StringComparison.Ordinal), Is.EqualTo(header.IndexOf("nginx-worker-1", StringComparison.Ordinal)), line);
                Assert.That(line.LastIndexOf("yes", StringComparison.Ordinal), Is.EqualTo(secondColumn), line);
            }
        });
    }

    [Test]
    public void Indexer_NamesTheKnownSourcesForAnUnknownOne()
    {
        var m = Matrix(Reach.No);

        Assert.Multiple(() =>
        {
            Assert.That(() => m["zz", "outside"], Throws.TypeOf<KeyNotFoundException>().With.Message.Contains("sources: a, bb"));
            Assert.That(() => m["a", "zz"], Throws.TypeOf<KeyNotFoundException>().With.Message.Contains("targets: own-bridge, outside"));
            Assert.That(() => new ReachabilityMatrix(["a", "a"], ["x"]), Throws.ArgumentException.With.Message.Contains("duplicate source 'a'"));
        });
    }
}
