namespace BashCni.Harness.Reachability;

/// <summary>The evidence for one observed cell: what was planned and every attempt made.</summary>
public sealed record ProbeCell(PlannedProbe Probe, IReadOnlyList<ProbeAttempt> Attempts)
{
    public string Source => Probe.Source;

    public string Target => Probe.Target.Text;

    public Reach Expected => Probe.Expected;

    /// <summary>
    /// <see cref="Reach.Error"/> when nothing could run; <see cref="Reach.Yes"/> when any attempt got an answer where
    /// none was expected (a path seen is final, whatever later attempts saw); else the last attempt's outcome.
    /// </summary>
    public Reach Observed => Attempts.Count == 0 ? Reach.Error
        : Expected == Reach.No && Attempts.Any(a => a.Outcome == Reach.Yes) ? Reach.Yes
        : Attempts[^1].Outcome;

    public bool AsExpected => Observed == Expected;
}
