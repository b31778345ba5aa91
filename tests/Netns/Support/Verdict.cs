using BashCni.Harness.Reporting;

namespace BashCni.Tests.Netns.Support;

/// <summary>
/// The outcome of one check run against a plugin, as a value: the conformance tests assert it passed, the
/// self-test asserts it failed for a deliberately broken plugin (so a check is proven able to fail).
/// </summary>
/// <remarks>
/// <see cref="SetUpFailures"/> are the problems that say the check's precondition broke (an ADD it starts from
/// failed), told apart by how the check recorded them (<see cref="Findings.SetUp"/>, <see cref="SetUpFailed"/>),
/// never by their wording: a broken variant is caught by its bug, not by a set-up that broke.
/// <see cref="Comparisons"/> are the values the check compared (<see cref="Findings.Compare"/>): the report shows them
/// as the check's steps, and a failure's first line names the first that differed (<see cref="CheckMessage"/>).
/// </remarks>
public sealed record Verdict(string Check, IReadOnlyList<string> Problems, string Detail = "")
{
    public bool Passed => Problems.Count == 0;

    /// <summary>The problems (a subset of <see cref="Problems"/>) that are failures of the check's set-up.</summary>
    public IReadOnlyList<string> SetUpFailures { get; init; } = [];

    /// <summary>The values the check compared, in the order it compared them.</summary>
    public IReadOnlyList<CheckComparison> Comparisons { get; init; } = [];

    public static Verdict Of(string check, IEnumerable<string> problems, string detail = "")
    {
        ArgumentNullException.ThrowIfNull(problems);
        var list = problems.ToList();
        return new(check, list, detail)
        {
            SetUpFailures = problems is Findings p ? [.. p.SetUpFailures] : [],
            Comparisons = problems is Findings f ? [.. f.Comparisons] : [],
        };
    }

    public static Verdict Pass(string check, string detail = "") => new(check, [], detail);

    public static Verdict Fail(string check, string problem, string detail = "") => new(check, [problem], detail);

    /// <summary>The check could not start: the ADD (or other step) it starts from failed.</summary>
    public static Verdict SetUpFailed(string check, string problem, string detail = "") =>
        new(check, [problem], detail) { SetUpFailures = [problem] };

    /// <summary>
    /// Records the check as a step of the report (its compared values as sub-steps) and fails the current test when
    /// it did not pass, with the message whose first line is the answer.
    /// </summary>
    public void AssertPassed()
    {
        CheckSteps.Record(Check, Problems, Comparisons, SetUpFailures, Detail);
        if (!Passed) Assert.Fail(ToString());
    }

    public override string ToString() =>
        Passed ? CheckMessage.Passed(Check, Detail) : CheckMessage.Failed(Check, Problems, SetUpFailures, Comparisons, Detail);
}

/// <summary>
/// A check's problems as it finds them: findings with <see cref="List{T}.Add"/>, failures of its set-up with
/// <see cref="SetUp"/>, compared values with <see cref="Compare"/>.
/// </summary>
public sealed class Findings : List<string>
{
    private readonly List<string> _setUp = [];
    private readonly List<CheckComparison> _comparisons = [];

    public IReadOnlyList<string> SetUpFailures => _setUp;

    public IReadOnlyList<CheckComparison> Comparisons => _comparisons;

    /// <summary>Records that a step the check starts from (an ADD it needs) failed.</summary>
    public void SetUp(string problem)
    {
        _setUp.Add(problem);
        Add(problem);
    }

    /// <summary>
    /// Records a value the check compared. A mismatch is a problem: <paramref name="problem"/> when given (a check's
    /// established wording, which the broken variants' patterns match), else "what: expected E, observed O".
    /// Returns whether it matched.
    /// </summary>
    public bool Compare(string what, string? expected, string? observed, bool? matches = null, string? problem = null)
    {
        var comparison = new CheckComparison(what, expected ?? "(none)", observed ?? "(none)",
            matches ?? string.Equals(expected, observed, StringComparison.Ordinal));
        _comparisons.Add(comparison);
        if (!comparison.Matches) Add(problem ?? comparison.Line);
        return comparison.Matches;
    }

    /// <summary>Records a value the check compared whose problems, when it did not match, the check adds itself (several, or none).</summary>
    public bool Note(string what, string expected, string observed, bool matches)
    {
        _comparisons.Add(new CheckComparison(what, expected, observed, matches));
        return matches;
    }
}
