namespace BashCni.Harness.Reachability;

/// <summary>The evidence for one observed cell: what was planned and every attempt made.</summary>
public sealed record ProbeCell(PlannedProbe Probe, IReadOnlyList<ProbeAttempt> Attempts)
{
    public string Source => Probe.Source;

    public string Target => Probe.Target.Text;

    public Reach Expected => Probe.Expected;

    /// <summary>The last attempt's outcome, or <see cref="Reach.Error"/> when nothing could run.</summary>
    public Reach Observed => Attempts.Count == 0 ? Reach.Error : Attempts[^1].Outcome;

    public bool AsExpected => Observed == Expected;
}
