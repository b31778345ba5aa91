namespace BashCni.Harness.Sandbox;

/// <summary>
/// The guard a root layer's test process runs under (<c>tests/Harness/Sandbox/host-guard.sh</c>, started by
/// run-tests.sh): a network namespace of its own and the host directories no run may touch mounted read-only. What
/// the guard prevents needs no before/after comparison of the whole machine — which a busy workstation (Docker,
/// systemd, journald) changes all the time — so the final check compares those only for layers that ran unguarded.
/// </summary>
public static class HostGuard
{
    /// <summary>The host directories a run must not change (or, where one is missing, what must keep it missing).</summary>
    public static readonly IReadOnlyList<string> ProtectedDirectories = ["/run", "/var/log", "/etc/cni", "/opt/cni", "/var/lib/cni"];

    /// <summary>The guard script.</summary>
    public static string Script => Path.Combine(RepoPaths.Root, "tests", "Harness", "Sandbox", "host-guard.sh");

    /// <summary>True when this process was started under the guard (it may still be broken: see <see cref="VerifyAsync"/>).</summary>
    public static bool IsGuarded => HarnessEnvironment.Get("HOST_NETNS") is not null;

    /// <summary>Why this process is not (or no longer) kept from the host, empty when the guard holds (see <see cref="Problems"/>).</summary>
    public static async Task<IReadOnlyList<string>> VerifyAsync(CancellationToken ct = default)
    {
        if (HarnessEnvironment.Get("HOST_NETNS") is not { } hostNetns)
            return ["the layer did not run under the host guard (BASHCNI_HOST_NETNS is not set)"];
        var own = (await LocalRunner.Instance.RunCheckedAsync("stat", ["-L", "-c", "%i", "/proc/self/ns/net"], null, ct).ConfigureAwait(false)).Stdout;
        var mounts = (await LocalRunner.Instance.RunCheckedAsync("findmnt", ["-rn", "-o", "TARGET,OPTIONS"], null, ct).ConfigureAwait(false)).Stdout;
        return Problems(hostNetns, own, HarnessEnvironment.Get("HOST_GUARDED") ?? "", mounts);
    }

    /// <summary>
    /// Why a process is not kept from the host: its network namespace (<paramref name="ownNetns"/>) is the one the guard
    /// kept it from (<paramref name="hostNetns"/>), a protected directory is not under one of the read-only mount points
    /// (<paramref name="guarded"/>, BASHCNI_HOST_GUARDED), or a mount at or under one of them is writable
    /// (<paramref name="findmnt"/>: <c>findmnt -rn -o TARGET,OPTIONS</c> as the process sees it).
    /// </summary>
    public static IReadOnlyList<string> Problems(string hostNetns, string ownNetns, string guarded, string findmnt)
    {
        ArgumentNullException.ThrowIfNull(hostNetns);
        ArgumentNullException.ThrowIfNull(ownNetns);
        ArgumentNullException.ThrowIfNull(guarded);
        ArgumentNullException.ThrowIfNull(findmnt);
        var problems = new List<string>();
        if (ownNetns.Trim() == hostNetns.Trim()) problems.Add($"the network namespace is the host's ({ownNetns.Trim()})");
        var points = guarded.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        bool Under(string path) => points.Any(g => path == g || path.StartsWith(g + "/", StringComparison.Ordinal));
        foreach (var dir in ProtectedDirectories.Where(d => !Under(d)))
            problems.Add($"{dir} is not under a read-only mount of the guard (guarded: {guarded})");
        // A path resolves to the last mount made on its mount point: one the guard's bind covered stays listed, unreachable.
        var reachable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in findmnt.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Trim().Split(' ', 2);
            if (parts.Length == 2) reachable[parts[0]] = parts[1];
        }
        foreach (var (target, options) in reachable)
            if (Under(target) && !options.Split(',').Contains("ro"))
                problems.Add($"{target} is writable under the guard ({options})");
        return problems;
    }
}
