namespace BashCni.Harness.Reporting;

/// <summary>
/// A check's outcome as a report step: "check: &lt;name&gt;" (green or red), with one compact sub-step per value it
/// compared ("pod eth0 address: 10.244.1.5/24") and, when it failed, one red sub-step per problem not already shown
/// as a comparison. Names only — no attachments, no parameters — so a passed test shows what it checked at a glance.
/// </summary>
public static class CheckSteps
{
    /// <summary>Longest sub-step name; the whole problem is in the test's message.</summary>
    public const int NameLimit = 300;

    public static void Record(string check, IReadOnlyList<string> problems, IReadOnlyList<CheckComparison> comparisons,
        IReadOnlyCollection<string>? setUpFailures = null, string detail = "")
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(comparisons);
        if (!Evidence.IsRecording) return;
        var passed = problems.Count == 0;
        var children = new List<AllureStep>();
        foreach (var c in comparisons)
            children.Add(Leaf(c.Line, c.Matches ? AllureStatus.Passed : AllureStatus.Failed));
        // Problems a failed comparison already says (its own line) are not repeated.
        var shown = comparisons.Where(c => !c.Matches).Select(c => c.Line).ToHashSet(StringComparer.Ordinal);
        foreach (var problem in problems.Where(p => !shown.Contains(p)))
            children.Add(Leaf((setUpFailures?.Contains(problem) == true ? "(set-up) " : "") + problem, AllureStatus.Failed));
        var name = passed
            ? $"check: {check}{(detail.Length > 0 && !detail.Contains('\n', StringComparison.Ordinal) ? " — " + detail : "")}"
            : $"check: {check} — {problems.Count} problem{(problems.Count > 1 ? "s" : "")}";
        Evidence.FinishedStep(Cut(name), passed ? AllureStatus.Passed : AllureStatus.Failed,
            passed ? null : CheckMessage.Headline(check, problems, setUpFailures, comparisons), children);
    }

    private static AllureStep Leaf(string name, AllureStatus status)
    {
        var now = AllureJson.Now();
        return new AllureStep { Name = Cut(name), Status = status, Stage = AllureStage.Finished, Start = now, Stop = now };
    }

    private static string Cut(string text)
    {
        var line = text.Trim();
        var cut = line.IndexOf('\n', StringComparison.Ordinal);
        if (cut >= 0) line = line[..cut].TrimEnd() + " …";
        return line.Length <= NameLimit ? line : line[..(NameLimit - 1)] + "…";
    }
}
