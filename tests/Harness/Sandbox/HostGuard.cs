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

    /// <summary>
    /// Why this process is not (or no longer) kept from the host, empty when the guard holds: its network namespace is
    /// the host's, or a protected directory (or a mount under it) is writable.
    /// </summary>
    public static async Task<IReadOnlyList<string>> VerifyAsync(CancellationToken ct = default)
    {
        var problems = new List<string>();
        if (HarnessEnvironment.Get("HOST_NETNS") is not { } hostNetns)
            return ["the layer did not run under the host guard (BASHCNI_HOST_NETNS is not set)"];
        var own = (await LocalRunner.Instance.RunCheckedAsync("stat", ["-L", "-c", "%i", "/proc/self/ns/net"], null, ct).ConfigureAwait(false)).Stdout.Trim();
        if (own == hostNetns.Trim()) problems.Add($"the layer's network namespace is the host's ({own})");
        var guarded = (HarnessEnvironment.Get("HOST_GUARDED") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var dir in ProtectedDirectories)
        {
            var existing = dir;
            while (!Directory.Exists(existing) && !File.Exists(existing)) existing = Path.GetDirectoryName(existing) ?? "/";
            if (!guarded.Any(g => existing == g || existing.StartsWith(g + "/", StringComparison.Ordinal)))
                problems.Add($"{dir} is not under a read-only mount of the guard (guarded: {string.Join(' ', guarded)})");
        }
        var mounts = (await LocalRunner.Instance.RunCheckedAsync("findmnt", ["-rn", "-o", "TARGET,OPTIONS"], null, ct).ConfigureAwait(false)).Stdout;
        foreach (var line in mounts.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length != 2) continue;
            var target = parts[0];
            if (!guarded.Any(g => target == g || target.StartsWith(g + "/", StringComparison.Ordinal))) continue;
            if (!parts[1].Split(',').Contains("ro")) problems.Add($"{target} is writable under the guard ({parts[1]})");
        }
        return problems;
    }
}
