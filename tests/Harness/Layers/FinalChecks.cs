using BashCni.Harness.Cluster;
using BashCni.Harness.Sandbox;
using NUnit.Framework;

namespace BashCni.Harness.Layers;

/// <summary>
/// The assertions of a layer's final checks (see <see cref="LayerState"/>): they run in a process started after the
/// layer's own test process has exited, so the host snapshot is taken with the layer's sandbox and processes gone.
/// </summary>
public static class FinalChecks
{
    /// <summary>The layer's state directory; ignores the test when the run is not ordered (plain dotnet test), fails
    /// it when the layer's test process still runs.</summary>
    public static string RequireOrderedRun()
    {
        var dir = LayerState.Directory;
        if (dir is null)
        {
            Assert.Ignore("a layer's final checks run only after the layer's own test process has exited: ./run-tests.sh runs them " +
                          "as 'dotnet test --filter Category=<Layer>Final' (BASHCNI_LAYER_STATE names the layer's state directory)");
            return "";
        }
        var writers = LayerState.Writers(dir);
        Assert.That(writers, Does.Not.Contain(Environment.ProcessId),
            "the final checks run in the same process as the layer: run them as a separate dotnet test after it");
        var running = writers.Where(RunResidue.IsAlive).ToList();
        Assert.That(running, Is.Empty, "the layer's test process still runs");
        return dir;
    }

    /// <summary>
    /// The host is as before the layer: no process the layer started still runs (found by the run's mark, see
    /// <see cref="RunProcesses"/>), and the run's temporary directory is as before. A layer that ran under the host
    /// guard (<see cref="HostGuard"/>) could not change the root namespace or the protected directories: the guard must
    /// have held, and those are not compared (a busy machine changes them on its own). A layer that ran unguarded
    /// (no root, or the cluster layer) is compared whole: links, addresses, routes, rules, /run/netns, firewall, entries.
    /// </summary>
    public static async Task HostIsAsBeforeTheLayerAsync()
    {
        var dir = RequireOrderedRun();
        var before = await LayerState.HostBeforeAsync(dir).ConfigureAwait(false);
        Assert.That(before, Is.Not.Null, $"the layer recorded no host snapshot in {dir}: its set-up did not run");
        var guard = await LayerState.HostGuardAsync(dir).ConfigureAwait(false);
        var now = await HostSnapshot.TakeAsync().ConfigureAwait(false);
        var diffs = HostCheck.Differences(before!, now, guard, RunProcesses.Carrying(RunProcesses.CurrentMark!, Environment.ProcessId));
        Assert.That(diffs, Is.Empty, "the layer left the machine changed");
    }

    /// <summary>The teardown check <paramref name="check"/> ran and found nothing.</summary>
    public static async Task TeardownCheckAsync(string check)
    {
        var dir = RequireOrderedRun();
        var problems = await LayerState.CheckAsync(dir, check).ConfigureAwait(false);
        if (problems is null && HarnessEnvironment.Get("LAYER_FILTER") is { } filter)
            Assert.Ignore($"'{check}' recorded nothing: the run was filtered ({filter}) and its fixture did not run");
        Assert.That(problems, Is.Not.Null, $"'{check}' recorded nothing in {dir}: the teardown that runs it did not run");
        Assert.That(problems, Is.Empty, $"{check}:\n  " + string.Join("\n  ", problems!));
    }
}
