using System.Text.RegularExpressions;

namespace BashCni.Tests.Netns.SelfTest;

/// <summary>
/// One deliberately broken variant of the plugin, as its file fixtures/plugins/broken/variants/NAME.sh declares it:
/// the bug class, the check that must catch it (a <see cref="Support.Verdict"/>'s Check name) and the problem that
/// check must report (a regular expression matched against each of the verdict's problems).
/// </summary>
public sealed record BrokenVariant(string Name, string Check, string Problem, string Bug)
{
    public Regex ProblemPattern { get; } = new(Problem, RegexOptions.CultureInvariant | RegexOptions.Multiline);

    /// <summary>The verdict names this variant's problem (among its findings or, for a variant whose bug is a failing ADD, its set-up failures).</summary>
    public bool NamedProblemIn(Support.Verdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return verdict.Problems.Any(ProblemPattern.IsMatch);
    }

    /// <summary>
    /// The check's set-up failures (as the check recorded them, <see cref="Support.Verdict.SetUpFailures"/>) other than
    /// the problem the variant names: the check failed because the ADD it starts from broke, not for the bug.
    /// </summary>
    public IReadOnlyList<string> SetUpFailuresIn(Support.Verdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return verdict.SetUpFailures.Where(p => !ProblemPattern.IsMatch(p)).ToList();
    }

    /// <summary>Parses one line of <c>make-broken.sh --table</c> (name, check, problem, bug; tab-separated).</summary>
    public static BrokenVariant Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var f = line.Split('\t');
        if (f.Length != 4 || f.Any(string.IsNullOrWhiteSpace))
            throw new FormatException($"make-broken.sh --table: expected name, check, problem, bug separated by tabs: '{line}'");
        return new BrokenVariant(f[0], f[1], f[2], f[3]);
    }

    /// <summary>The row of the variant → check table (the self-test's output and fixtures/plugins/broken/README.md).</summary>
    public string TableRow => $"| `{Name}` | {Bug} | {Check} | `{Problem}` |";

    public const string TableHeader = "| variant | bug class | check that must go red | its problem (regex) |\n|---|---|---|---|";
}
