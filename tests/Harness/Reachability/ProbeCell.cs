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

    /// <summary>The observed value is the expected one, and an expected "no" was not reached for a reason the
    /// expectation allows (<see cref="PlannedProbe.NoReasons"/>).</summary>
    public bool AsExpected => Observed == Expected && !WrongReason;

    /// <summary>An expected "no" observed as "no", but for a reason the expectation does not allow (e.g. no route in
    /// the pod where the stage drops packets).</summary>
    public bool WrongReason => Expected == Reach.No && Observed == Reach.No && !Probe.NoReasons.Contains(ObservedReason);

    /// <summary>The attempt the observed value comes from (the first "yes" where "no" was expected, else the last).</summary>
    public ProbeAttempt? Deciding => Attempts.Count == 0 ? null
        : Expected == Reach.No && Attempts.FirstOrDefault(a => a.Outcome == Reach.Yes) is { } seen ? seen
        : Attempts[^1];

    /// <summary>Why the observed value was observed.</summary>
    public ProbeReason ObservedReason => Deciding?.Reason ?? ProbeReason.ProbeError;

    /// <summary>The exact command that reproduces the cell (empty when nothing ran).</summary>
    public string Command => Deciding?.CommandLine ?? "";
}
