namespace BashCni.Harness.Verdict;

/// <summary>A skipped test of a layer: its full name (as in the report) and the reason it gave.</summary>
public sealed record SkippedTest(string FullName, string Reason);
