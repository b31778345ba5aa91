namespace BashCni.Harness.Verdict;

/// <summary>
/// The verdict on one layer: its counts (the test platform's), the notes that explain a red outside the failed
/// count, each skipped test's line, and whether the layer turns the run red. <see cref="Summary"/> is the text
/// run-tests.sh prints for the layer. A layer that was not run carries its reason instead of counts.
/// </summary>
public sealed record LayerVerdict(
    string Layer,
    int Passed,
    int Failed,
    int Skipped,
    IReadOnlyList<string> Notes,
    IReadOnlyList<string> SkipLines,
    bool Red,
    string? NotRunReason = null,
    string? Text = null)
{
    public bool WasRun => NotRunReason is null;

    public string Summary =>
        Text ?? (NotRunReason is { } why ? $"NOT RUN: {why}" : $"{Passed} passed, {Failed} failed, {Skipped} skipped" + string.Concat(Notes.Select(n => " — " + n)));
}
