namespace BashCni.Harness.Reachability;

/// <summary>One execution of a probe: pass 1 is the fast first pass, pass 2 the retries of differing cells.</summary>
public sealed record ProbeAttempt(int Pass, string CommandLine, int? ExitCode, string Output, TimeSpan Duration, Reach Outcome)
{
    /// <summary>How the probe reached the source pod's network namespace (e.g. "exec in pod", "node netns",
    /// "ephemeral container"); empty when the prober did not say.</summary>
    public string Via { get; init; } = "";

    /// <summary>Why the attempt ended as it did (see <see cref="ProbeReason"/>).</summary>
    public ProbeReason Reason { get; init; } = ProbeReason.Unknown;

    public override string ToString() =>
        $"pass {Pass}: {Outcome.Symbol()} (exit {(ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none")}, " +
        $"{Duration.TotalMilliseconds:F0} ms{(Via.Length == 0 ? "" : ", via " + Via)}) {CommandLine}{(Output.Length == 0 ? "" : "\n      " + Output.Replace("\n", "\n      ", StringComparison.Ordinal))}";
}
