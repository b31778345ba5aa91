namespace BashCni.Harness.Verdict;

/// <summary>The run's verdict: the totals of the last line, and every reason the run is red (empty: green).</summary>
public sealed record RunVerdict(int Passed, int Failed, int Skipped, IReadOnlyList<string> RedBecause)
{
    public bool Red => RedBecause.Count > 0;

    /// <summary>The run's last line, "N passed, N failed, N skipped".</summary>
    public string LastLine => $"{Passed} passed, {Failed} failed, {Skipped} skipped";
}
