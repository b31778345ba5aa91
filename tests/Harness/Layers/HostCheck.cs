using BashCni.Harness.Sandbox;

namespace BashCni.Harness.Layers;

/// <summary>What the final host check reports, from the layer's "before", the host now, the guard's record and the run's live processes.</summary>
public static class HostCheck
{
    /// <param name="before">The snapshot the layer took at its start.</param>
    /// <param name="now">The snapshot after the layer's process exited.</param>
    /// <param name="guard">Why the host guard did not hold (empty: it held), or null when the layer ran unguarded.</param>
    /// <param name="runProcesses">The live processes carrying the run's mark (<see cref="RunProcesses.Carrying"/>).</param>
    public static IReadOnlyList<string> Differences(HostSnapshot before, HostSnapshot now, IReadOnlyList<string>? guard, IReadOnlyList<string> runProcesses)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(now);
        ArgumentNullException.ThrowIfNull(runProcesses);
        var diffs = new List<string>();
        if (guard is null)
            diffs.AddRange((now with { ChildProcesses = [] }).DifferencesFrom(before with { ChildProcesses = [] }));
        else
        {
            diffs.AddRange(guard.Select(p => "host guard did not hold: " + p));
            diffs.AddRange(SnapshotDiff.Lines("entry of the run's temporary directory", before.TempEntries, now.TempEntries));
        }
        diffs.AddRange(runProcesses.Select(p => "process of the run still running: " + p));
        return diffs;
    }
}
