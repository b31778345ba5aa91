using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Mutation;

/// <summary>
/// The bookkeeping of tests/Mutation/lib/results.sh and coverage.sh: records, the score (killed and timed-out count as
/// detected, uncovered as not, equivalent/invalid/error not at all), the equivalent list, the tests chosen for a line,
/// and the line coverage from traces.
/// </summary>
[Category("Unit")]
[Feature("Mutation testing")]
public sealed class MutationBookkeepingTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("mutation-test-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task ScoreCountsKilledAndTimeoutAsDetectedAndLeavesOutEquivalentInvalidAndError()
    {
        var results = Path.Combine(_dir, "r.tsv");
        var statuses = new[] { "killed", "killed", "killed", "timeout", "survived", "uncovered", "equivalent", "invalid", "error" };
        await File.WriteAllLinesAsync(results, statuses.Select((s, i) => $"id{i}\tcni.sh\t{i + 1}\tand-or\t{s}\t1\tdetail\t3\tx"));
        var score = (await MutationScript.RunAsync("mutation_score \"$1\"", results)).Trim();
        // detected 4 of 6 counted
        Assert.That(score, Is.EqualTo("3 1 1 1 1 1 1 66.7"));
    }

    [Test]
    public async Task ScoreOfNothingCountedIsADash()
    {
        var results = Path.Combine(_dir, "r.tsv");
        await File.WriteAllTextAsync(results, "a\tf\t1\top\tequivalent\t0\twhy\t0\tx\n");
        Assert.That((await MutationScript.RunAsync("mutation_score \"$1\"", results)).Trim(), Is.EqualTo("0 0 0 0 1 0 0 -"));
    }

    [Test]
    public async Task RecordIsOneLineOfNineFieldsWhateverTheFieldsHold()
    {
        var line = await MutationScript.RunAsync("mutation_record \"$@\"", "id", "f.sh", "3", "op", "survived", "2", "a\tb\nc", "4", "x\ty");
        Assert.That(line.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1));
        Assert.That(line.TrimEnd('\n').Split('\t'), Is.EqualTo(new[] { "id", "f.sh", "3", "op", "survived", "2", "a b c", "4", "x y" }));
    }

    [Test]
    public async Task IdDependsOnFileAndTextNotOnLineNumber()
    {
        var a = await MutationScript.RunAsync("mutation_id cni.sh '    x=1' '    :'");
        var b = await MutationScript.RunAsync("mutation_id cni.sh '    x=1' '    :'");
        var c = await MutationScript.RunAsync("mutation_id link.sh '    x=1' '    :'");
        var d = await MutationScript.RunAsync("mutation_id cni.sh '    x=1' '    x=2'");
        Assert.That(a, Is.EqualTo(b));
        Assert.That(new[] { a, c, d }, Is.Unique);
        Assert.That(a.Trim(), Does.Match("^[0-9a-f]{10}$"));
    }

    [Test]
    public async Task EquivalentListGivesTheReasonOfAListedIdAndFailsForOthers()
    {
        var list = Path.Combine(_dir, "equivalent.tsv");
        await File.WriteAllTextAsync(list, "# id\twhere\top\treason\nabc\tcni.sh:3\tdrop-quote\tthe value never holds a space\n");
        Assert.That((await MutationScript.RunAsync("mutation_equivalent_reason \"$1\" abc", list)).Trim(), Is.EqualTo("the value never holds a space"));
        Assert.That((await MutationScript.RunRawAsync("mutation_equivalent_reason \"$1\" abd", list)).ExitCode, Is.Not.Zero);
    }

    [Test]
    public async Task TestsForALineComeFromDifferentClassesFirstWithoutUnknownCallsCappedAndSeeded()
    {
        const string line = "printf '%s\\t' N.A.One N.A.Two N.A.Three '?' N.B.One N.C.One\\(x\\) N.C.One\\(y\\) | mutation_select_tests \"$1\" \"$2\"";
        var three = (await MutationScript.RunAsync(line, "42", "3")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(three, Has.Length.EqualTo(3));
        Assert.That(three.Select(t => t.Split('(')[0][..3]), Is.EquivalentTo(new[] { "N.A", "N.B", "N.C" }), "one per class first");
        Assert.That(three, Has.No.Member("?"));
        Assert.That(await MutationScript.RunAsync(line, "42", "3"), Is.EqualTo(string.Join('\n', three) + "\n"), "the same seed, the same tests");
        var all = (await MutationScript.RunAsync(line, "7", "10")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(all, Is.EquivalentTo(new[] { "N.A.One", "N.A.Two", "N.A.Three", "N.B.One", "N.C.One(x)", "N.C.One(y)" }));
    }

    [Test]
    public async Task FilterNamesExactlyTheTestsWithSpecialCharactersEscaped()
    {
        var filter = await MutationScript.RunAsync("mutation_filter \"$@\"", "N.C.M(1-2)", "N.C.M(a=b,c!)", "N.D.X");
        Assert.That(filter.Trim(), Is.EqualTo(
            @"Category=Netns&(FullyQualifiedName=N.C.M\(1-2\)|FullyQualifiedName=N.C.M\(a\=b,c\!\)|FullyQualifiedName=N.D.X)"));
    }

    [Test]
    public async Task CoverageAttributesTraceLinesToTheCallingTestAndGroupsContinuedCommands()
    {
        var tree = Path.Combine(_dir, "tree");
        var traces = Path.Combine(_dir, "traces");
        Directory.CreateDirectory(tree);
        Directory.CreateDirectory(Path.Combine(tree, "cmd"));
        Directory.CreateDirectory(traces);
        await File.WriteAllTextAsync(Path.Combine(tree, "a.sh"), "# comment\nf() {\n    x=1\n    y=2 \\\n        z=3\n    w=4\n}\n");
        await File.WriteAllTextAsync(Path.Combine(traces, "1.trace"), "#test T.One\n+@@/p/src/a.sh:3@@ x=1\n++@@/p/src/a.sh:4@@ y=2 z=3\n+@@/other/b.sh:1@@ q\n");
        await File.WriteAllTextAsync(Path.Combine(traces, "2.trace"), "#test T.Two\n+@@/p/src/a.sh:3@@ x=1\n");
        var result = await MutationScript.RunAsync(
            "mutation_coverage_pairs \"$1\" /p/src > \"$3/pairs\"; mutation_code_lines \"$2\" > \"$3/lines\"; mutation_line_tests \"$3/pairs\" \"$3/lines\"",
            traces, tree, _dir);
        var byLine = result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))
            .ToDictionary(p => p[0], p => p.Skip(1).Order(StringComparer.Ordinal).ToArray());
        Assert.That(byLine.Keys, Is.EquivalentTo(new[] { "a.sh:3", "a.sh:4", "a.sh:5", "a.sh:6" }), "code lines: no comment, header or brace");
        Assert.That(byLine["a.sh:3"], Is.EqualTo(new[] { "T.One", "T.Two" }));
        Assert.That(byLine["a.sh:5"], Is.EqualTo(new[] { "T.One" }), "a continued command's lines share its coverage");
        Assert.That(byLine["a.sh:6"], Is.EqualTo(new[] { "-" }), "uncovered");
    }
}
