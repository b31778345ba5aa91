namespace BashCni.Harness.Verdict;

/// <summary>
/// The rules that decide a run layer's verdict. Each is a way to be green without verification, so each one is red:
/// a TRX file not written; a test run (the layer's own or its final checks) that executed no test; Allure results
/// that disagree with the test platform's counts; a non-zero exit with nothing failed; a skip the allow-list does
/// not allow on this target (red under CI=true, listed otherwise); a malformed allow-list.
/// </summary>
public static class LayerRules
{
    public static LayerVerdict Judge(LayerFacts facts, ExpectedSkips allowList)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(allowList);
        var notes = new List<string>();
        var red = false;
        int total = 0, passed = 0, failed = 0;
        foreach (var (run, what) in new[] { (facts.Main, "the layer"), (facts.Final, "the layer's final checks") })
        {
            if (run.Counts is not { } c)
            {
                notes.Add($"{run.TrxName} was not written (dotnet test exit {facts.Main.ExitCode}/{facts.Final.ExitCode})");
                red = true;
                continue;
            }
            total += c.Total;
            passed += c.Passed;
            failed += c.Failed;
            if (c.Executed == 0)
            {
                notes.Add($"{what} executed no test");
                red = true;
            }
        }
        var skipped = total - passed - failed;

        var report = facts.Report.Counts;
        if (report != new ResultCounts(passed, failed, skipped))
        {
            notes.Add($"the report holds {report.Passed} passed, {report.Failed} failed, {report.Skipped} skipped");
            red = true;
        }
        if ((facts.Main.ExitCode != 0 || facts.Final.ExitCode != 0) && failed == 0)
        {
            notes.Add($"dotnet test exited {facts.Main.ExitCode}/{facts.Final.ExitCode}");
            red = true;
        }

        var skipLines = new List<string>();
        var unexpected = 0;
        foreach (var skip in facts.Report.Skips)
        {
            if (allowList.Allowing(skip.FullName, facts.Target) is { } rule)
            {
                skipLines.Add($"{facts.Layer}  {skip.FullName} — {skip.Reason} (allowed: {rule.Reason})");
                continue;
            }
            unexpected++;
            var elsewhere = allowList.AllowingElsewhere(skip.FullName) is { } other
                ? $"allowed only on target {string.Join(",", other.Targets)}, this run's target is {facts.Target}"
                : "NOT in fixtures/expected-skips";
            skipLines.Add($"{facts.Layer}  {skip.FullName} — {skip.Reason} ({elsewhere})");
        }
        if (unexpected > 0)
        {
            notes.Add($"{unexpected} skip(s) not allowed by fixtures/expected-skips on target {facts.Target}");
            red |= facts.Ci;
        }
        if (allowList.Errors.Count > 0)
        {
            notes.AddRange(allowList.Errors);
            red = true;
        }
        return new LayerVerdict(facts.Layer, passed, failed, skipped, notes, skipLines, red || failed > 0);
    }

    /// <summary>A layer that was not run (it needs root): red under CI=true.</summary>
    public static LayerVerdict NotRun(string layer, string reason, bool ci) => new(layer, 0, 0, 0, [], [], ci, reason);

    /// <summary>A console layer's outcome (the benchmark, the mutation run): red when it exited non-zero.</summary>
    public static LayerVerdict Bench(int exitCode, string layer = "bench", string finishedText = "") =>
        new(layer, 0, 0, 0, [], [], exitCode != 0,
            Text: exitCode != 0 ? $"failed (exit {exitCode})"
                : finishedText.Length > 0 ? finishedText
                : layer == "bench" ? "finished (results in bench/results/)" : "finished");
}
