namespace BashCni.Harness.Verdict;

/// <summary>One <c>dotnet test</c> invocation of a layer: its TRX file's name, what the file counted (null: not written) and the exit status.</summary>
public sealed record LayerRun(string TrxName, TrxCounts? Counts, int ExitCode);
