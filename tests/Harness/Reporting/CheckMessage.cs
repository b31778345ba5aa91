namespace BashCni.Harness.Reporting;

/// <summary>
/// The text of a check's outcome, the same for every layer's verdict. A failure's first line is the answer: which
/// check, which value, expected against observed — the first comparison that did not match, else the first problem's
/// first line — and how many more problems follow; then every problem, one per line, and the check's detail.
/// </summary>
public static class CheckMessage
{
    /// <summary>Longest first line; a longer problem is cut there (its whole text follows in the list).</summary>
    public const int HeadlineLimit = 240;

    public static string Passed(string check, string detail = "") =>
        $"{check}: passed{(detail.Length > 0 ? " — " + detail : "")}";

    /// <summary>
    /// The failure message. <paramref name="setUpFailures"/> are the problems that broke the check's precondition
    /// (listed with "(set-up)"); <paramref name="comparisons"/> are the values the check compared.
    /// </summary>
    public static string Failed(string check, IReadOnlyList<string> problems, IReadOnlyCollection<string>? setUpFailures = null,
        IReadOnlyList<CheckComparison>? comparisons = null, string detail = "")
    {
        ArgumentNullException.ThrowIfNull(problems);
        setUpFailures ??= [];
        var lines = new List<string> { Headline(check, problems, setUpFailures, comparisons) };
        lines.AddRange(problems.Select(p => "  - " + (setUpFailures.Contains(p) ? "(set-up) " : "") + p));
        var text = string.Join("\n", lines);
        return detail.Length > 0 ? text + "\n" + detail : text;
    }

    /// <summary>The first line of <see cref="Failed"/>.</summary>
    public static string Headline(string check, IReadOnlyList<string> problems, IReadOnlyCollection<string>? setUpFailures = null,
        IReadOnlyList<CheckComparison>? comparisons = null)
    {
        ArgumentNullException.ThrowIfNull(problems);
        setUpFailures ??= [];
        var count = Math.Max(problems.Count, 1);
        // A failed set-up is the answer when there is one: the check itself never ran.
        var setUp = problems.FirstOrDefault(setUpFailures.Contains);
        var answer = setUp is not null ? "(set-up) " + FirstLine(setUp)
            : comparisons?.FirstOrDefault(c => !c.Matches) is { } differs ? differs.Line
            : problems.Count > 0 ? FirstLine(problems[0])
            : "failed";
        if (answer.Length > HeadlineLimit) answer = answer[..(HeadlineLimit - 1)] + "…";
        var more = count > 1 ? $" (+{count - 1} more problem{(count > 2 ? "s" : "")})" : "";
        return $"{check}: {answer}{more}";
    }

    private static string FirstLine(string text)
    {
        var trimmed = text.Trim();
        var cut = trimmed.IndexOf('\n', StringComparison.Ordinal);
        return cut < 0 ? trimmed : trimmed[..cut].TrimEnd() + " …";
    }
}
