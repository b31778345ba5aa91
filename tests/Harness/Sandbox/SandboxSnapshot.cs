namespace BashCni.Harness.Sandbox;

/// <summary>
/// What the sandbox holds: links of its own namespace, named namespaces, files on its state tmpfs
/// (<c>/var/lib/cni</c>, <c>/etc/cni/net.d</c>, <c>/var/log</c>), extra mounts, and processes running in any of its
/// network namespaces (other than the anchor). Taken at the start and end of a layer: equal means nothing was left.
/// </summary>
public sealed record SandboxSnapshot(
    IReadOnlyList<string> Links,
    IReadOnlyList<string> Namespaces,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> Mounts,
    IReadOnlyList<string> Processes)
{
    private const string ScriptText = """
        set -uo pipefail
        anchor=$1
        echo '## links'; ip -br link | awk '{print $1}' | sort
        echo '## netns'; ls -A /run/netns | sort
        echo '## files'; find /var/lib/cni /etc/cni/net.d /var/log -mindepth 1 2>/dev/null | sort
        echo '## mounts'; awk '{print $5}' /proc/self/mountinfo | grep -E '^/(var/lib/cni|etc/cni|var/log|run/netns|opt/cni)/' | sort
        echo '## processes'
        nets=(/proc/self/ns/net)
        for f in /run/netns/*; do [ -e "$f" ] && nets+=("$f"); done
        for p in /proc/[0-9]*; do
          pid=${p#/proc/}
          [ "$pid" = "$$" ] || [ "$pid" = "$anchor" ] && continue
          read -r stat < "$p/stat" 2>/dev/null || continue
          rest=${stat##*) }
          read -r _ ppid _ <<< "$rest"
          [ "$ppid" = "$$" ] || [ "$ppid" = "$anchor" ] && continue
          for n in "${nets[@]}"; do
            if [[ "$p/ns/net" -ef "$n" ]]; then comm=${stat#*(}; echo "$pid ${comm%%)*}"; break; fi
          done
        done
        """;

    public static async Task<SandboxSnapshot> TakeAsync(SandboxHost sandbox, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        var r = await sandbox.Runner.RunCheckedAsync("bash",
            ["-c", ScriptText, "snapshot", sandbox.AnchorPid.ToString(System.Globalization.CultureInfo.InvariantCulture)], null, ct)
            .ConfigureAwait(false);
        var sections = new SnapshotSections(r.Stdout);
        List<string> S(string key) => sections[key];
        return new SandboxSnapshot(S("links"), S("netns"), S("files"), S("mounts"), S("processes"));
    }

    /// <summary>Human-readable differences from <paramref name="before"/> (empty = nothing left behind).</summary>
    public IReadOnlyList<string> DifferencesFrom(SandboxSnapshot before)
    {
        ArgumentNullException.ThrowIfNull(before);
        var diffs = new List<string>();
        void Compare(string what, IReadOnlyList<string> a, IReadOnlyList<string> b) => diffs.AddRange(SnapshotDiff.Lines(what, a, b));
        Compare("link", before.Links, Links);
        Compare("namespace", before.Namespaces, Namespaces);
        // Logs on the sandbox's private /var/log are output, not state: they vanish with the sandbox.
        Compare("file", before.Files.Where(f => !f.StartsWith("/var/log/", StringComparison.Ordinal)).ToList(),
            Files.Where(f => !f.StartsWith("/var/log/", StringComparison.Ordinal)).ToList());
        Compare("mount", before.Mounts, Mounts);
        diffs.AddRange(Processes.Except(before.Processes).Select(p => "process left in the sandbox: " + p));
        return diffs;
    }
}
