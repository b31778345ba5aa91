using System.Globalization;
using BashCni.Harness.Sandbox;

namespace BashCni.Harness.Layers;

/// <summary>
/// What a layer's test process records for the layer's final checks, which run afterwards in a separate process
/// (<c>dotnet test --filter Category=&lt;Layer&gt;Final</c>, run-tests.sh's second invocation per layer): the host
/// snapshot taken before the layer started, and the findings of the checks that can only run in a teardown (the
/// sandbox's leftovers, the bad-input nodes, the cluster's teardown). Lives in <c>BASHCNI_LAYER_STATE</c>, a directory
/// run-tests.sh makes per layer; without it (plain <c>dotnet test</c>) nothing is recorded and the teardowns fail
/// themselves as before.
/// </summary>
public static class LayerState
{
    private const string HostBeforeFile = "host-before.json";
    private const string HostGuardFile = "host-guard.txt";

    /// <summary>The layer's state directory, or null when the run is not ordered by run-tests.sh.</summary>
    public static string? Directory =>
        HarnessEnvironment.Get("LAYER_STATE") is { } dir ? Path.GetFullPath(dir) : null;

    /// <summary>Takes and records the host snapshot the final check compares with (once per process; no-op without a state directory).</summary>
    public static async Task<HostSnapshot> RecordHostBeforeAsync(CancellationToken ct = default)
    {
        var snapshot = await HostSnapshot.TakeAsync(ct).ConfigureAwait(false);
        if (Directory is { } dir)
        {
            System.IO.Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, HostBeforeFile);
            // A layer records its "before" once: the first process of the layer is the one that counts.
            if (!File.Exists(path))
            {
                await snapshot.SaveAsync(path, ct).ConfigureAwait(false);
                // Under the host guard, what it prevents is not compared afterwards: record whether it held.
                if (HostGuard.IsGuarded)
                    await File.WriteAllLinesAsync(Path.Combine(dir, HostGuardFile), await HostGuard.VerifyAsync(ct).ConfigureAwait(false), ct)
                        .ConfigureAwait(false);
                await WriteWriterAsync(dir, ct).ConfigureAwait(false);
            }
            // How many tests the layer has, and how many a quick run runs (the summary's "quick: N of M tests").
            await QuickRun.RecordCountsAsync(ct).ConfigureAwait(false);
        }
        return snapshot;
    }

    /// <summary>
    /// Records the problems a teardown check found, for the final check named <paramref name="check"/>. Returns false
    /// when there is no state directory (the caller then fails on its own).
    /// </summary>
    public static async Task<bool> RecordCheckAsync(string check, IEnumerable<string> problems, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (Directory is not { } dir) return false;
        System.IO.Directory.CreateDirectory(dir);
        await File.WriteAllLinesAsync(Path.Combine(dir, FileOf(check)), problems, ct).ConfigureAwait(false);
        await WriteWriterAsync(dir, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>The recorded host snapshot, or null.</summary>
    public static async Task<HostSnapshot?> HostBeforeAsync(string dir, CancellationToken ct = default)
    {
        var path = Path.Combine(dir, HostBeforeFile);
        return File.Exists(path) ? await HostSnapshot.LoadAsync(path, ct).ConfigureAwait(false) : null;
    }

    /// <summary>Why the host guard did not hold for the layer (empty: it held), or null when the layer ran unguarded.</summary>
    public static async Task<IReadOnlyList<string>?> HostGuardAsync(string dir, CancellationToken ct = default)
    {
        var path = Path.Combine(dir, HostGuardFile);
        return File.Exists(path) ? await File.ReadAllLinesAsync(path, ct).ConfigureAwait(false) : null;
    }

    /// <summary>The problems recorded for <paramref name="check"/>, or null when the check never recorded anything.</summary>
    public static async Task<IReadOnlyList<string>?> CheckAsync(string dir, string check, CancellationToken ct = default)
    {
        var path = Path.Combine(dir, FileOf(check));
        return File.Exists(path) ? await File.ReadAllLinesAsync(path, ct).ConfigureAwait(false) : null;
    }

    /// <summary>PIDs of the processes that recorded something in <paramref name="dir"/>.</summary>
    public static IReadOnlyList<int> Writers(string dir)
    {
        var path = Path.Combine(dir, "writers");
        return File.Exists(path)
            ? File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).Distinct().ToList()
            : [];
    }

    private static string FileOf(string check) =>
        "check-" + string.Concat(check.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')) + ".txt";

    private static Task WriteWriterAsync(string dir, CancellationToken ct) =>
        File.AppendAllTextAsync(Path.Combine(dir, "writers"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n", ct);
}
