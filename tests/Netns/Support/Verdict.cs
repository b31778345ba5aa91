namespace BashCni.Tests.Netns.Support;

/// <summary>
/// The outcome of one check run against a plugin, as a value: the conformance tests assert it passed, the
/// self-test asserts it failed for a deliberately broken plugin (so a check is proven able to fail).
/// </summary>
public sealed record Verdict(string Check, IReadOnlyList<string> Problems, string Detail = "")
{
    public bool Passed => Problems.Count == 0;

    public static Verdict Of(string check, IEnumerable<string> problems, string detail = "") => new(check, problems.ToList(), detail);

    public static Verdict Pass(string check, string detail = "") => new(check, [], detail);

    public static Verdict Fail(string check, string problem, string detail = "") => new(check, [problem], detail);

    /// <summary>Fails the current test with every problem listed.</summary>
    public void AssertPassed()
    {
        if (!Passed) Assert.Fail(ToString());
    }

    public override string ToString() =>
        Passed ? $"{Check}: passed{(Detail.Length > 0 ? " — " + Detail : "")}"
            : $"{Check}: {Problems.Count} problem(s)\n  - " + string.Join("\n  - ", Problems) + (Detail.Length > 0 ? "\n" + Detail : "");
}
