namespace BashCni.Tests.Netns.Support;

/// <summary>
/// The outcome of one check run against a plugin, as a value: the conformance tests assert it passed, the
/// self-test asserts it failed for a deliberately broken plugin (so a check is proven able to fail).
/// </summary>
/// <remarks>
/// <see cref="SetUpFailures"/> are the problems that say the check's precondition broke (an ADD it starts from
/// failed), told apart by how the check recorded them (<see cref="Findings.SetUp"/>, <see cref="SetUpFailed"/>),
/// never by their wording: a broken variant is caught by its bug, not by a set-up that broke.
/// </remarks>
public sealed record Verdict(string Check, IReadOnlyList<string> Problems, string Detail = "")
{
    public bool Passed => Problems.Count == 0;

    /// <summary>The problems (a subset of <see cref="Problems"/>) that are failures of the check's set-up.</summary>
    public IReadOnlyList<string> SetUpFailures { get; init; } = [];

    public static Verdict Of(string check, IEnumerable<string> problems, string detail = "")
    {
        ArgumentNullException.ThrowIfNull(problems);
        var list = problems.ToList();
        return new(check, list, detail) { SetUpFailures = problems is Findings p ? [.. p.SetUpFailures] : [] };
    }

    public static Verdict Pass(string check, string detail = "") => new(check, [], detail);

    public static Verdict Fail(string check, string problem, string detail = "") => new(check, [problem], detail);

    /// <summary>The check could not start: the ADD (or other step) it starts from failed.</summary>
    public static Verdict SetUpFailed(string check, string problem, string detail = "") =>
        new(check, [problem], detail) { SetUpFailures = [problem] };

    /// <summary>Fails the current test with every problem listed.</summary>
    public void AssertPassed()
    {
        if (!Passed) Assert.Fail(ToString());
    }

    public override string ToString() =>
        Passed ? $"{Check}: passed{(Detail.Length > 0 ? " — " + Detail : "")}"
            : $"{Check}: {Problems.Count} problem(s)\n  - " + string.Join("\n  - ", Problems.Select(p => SetUpFailures.Contains(p) ? "(set-up) " + p : p))
              + (Detail.Length > 0 ? "\n" + Detail : "");
}

/// <summary>A check's problems as it finds them: findings with <see cref="List{T}.Add"/>, failures of its set-up with <see cref="SetUp"/>.</summary>
public sealed class Findings : List<string>
{
    private readonly List<string> _setUp = [];

    public IReadOnlyList<string> SetUpFailures => _setUp;

    /// <summary>Records that a step the check starts from (an ADD it needs) failed.</summary>
    public void SetUp(string problem)
    {
        _setUp.Add(problem);
        Add(problem);
    }
}
