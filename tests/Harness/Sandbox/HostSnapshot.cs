using System.Text.RegularExpressions;

namespace BashCni.Harness.Sandbox;

/// <summary>
/// What the machine looks like outside the sandbox (read-only commands in the root namespace): links, addresses,
/// routes, policy rules, <c>/run/netns</c> entries, firewall rules, the entries (names, not file contents) under
/// <see cref="WatchedDirectories"/> and the run's temporary directory (<c>BASHCNI_RUN_TMP</c>, set by run-tests.sh),
/// and the processes this test process started.
/// Taken before and after a layer to assert that nothing was left behind.
/// </summary>
public sealed partial record HostSnapshot(
    IReadOnlyList<string> Links,
    IReadOnlyList<string> Addresses,
    IReadOnlyList<string> Routes,
    IReadOnlyList<string> Rules,
    IReadOnlyList<string> NetnsEntries,
    IReadOnlyList<string> Firewall,
    IReadOnlyList<string> Entries,
    IReadOnlyList<string> TempEntries,
    IReadOnlyList<string> ChildProcesses)
{
    /// <summary>Host directories nothing of a run may add to or remove from (a missing one must stay missing).</summary>
    public static readonly IReadOnlyList<string> WatchedDirectories =
        ["/run", "/var/run/netns", "/etc/cni", "/opt/cni", "/var/lib/cni", "/var/log"];

    /// <summary>The run's own temporary directory (every test process of a run-tests.sh layer has it as TMPDIR), or null.</summary>
    public static string? RunTemporaryDirectory =>
        HarnessEnvironment.Get("RUN_TMP") is { } dir ? Path.GetFullPath(dir) : null;

    private const string ScriptText = """
        set -uo pipefail
        echo '## links'; ip -br link | awk '{print $1, $2}' | sort
        echo '## addresses'; ip -br addr | awk '{$2=""; print}' | sort
        echo '## routes'; ip route show table all | sort
        echo '## rules'; ip rule | sort
        echo '## netns'; ls -A /run/netns 2>/dev/null | sort
        echo '## firewall'
        if [ "$(id -u)" != 0 ]; then echo '!not-root'
        elif fw="$(iptables-save 2>&1)"; then printf '%s\n' "$fw" | grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]//'
        else echo "!unreadable: iptables-save failed: $(printf '%s' "$fw" | head -n 1)"; fi
        echo '## entries'
        for d in "$@"; do [ "$d" = -- ] && break; [ -e "$d" ] || [ -L "$d" ] && find "$d" 2>/dev/null; done | sort -u
        echo '## temp'
        seen=0
        for d in "$@"; do
          if [ "$d" = -- ]; then seen=1; continue; fi
          [ "$seen" = 1 ] && [ -d "$d" ] && find "$d" -mindepth 1 2>/dev/null
        done | grep -Ev '/(dotnet-diagnostic-|clr-debug-pipe-|\.dotnet|\.msbuild|MSBuildTemp)' | sort -u
        echo '## children'
        for p in /proc/[0-9]*; do
          pid=${p#/proc/}
          [ "$pid" = "$$" ] && continue
          read -r stat < "$p/stat" 2>/dev/null || continue
          rest=${stat##*) }
          read -r _ ppid _ <<< "$rest"
          comm=${stat#*(}
          echo "$pid $ppid ${comm%%)*}"
        done
        """;

    /// <summary>Takes a snapshot of the root namespace. Runs only reading commands.</summary>
    public static Task<HostSnapshot> TakeAsync(CancellationToken ct = default) => TakeAsync(LocalRunner.Instance, ct);

    /// <summary>Takes the snapshot through <paramref name="runner"/> (a sandbox playing the host, in tests of the check itself).</summary>
    public static async Task<HostSnapshot> TakeAsync(ICommandRunner runner, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        string[] temp = RunTemporaryDirectory is { } tmp ? [tmp] : [];
        var r = await runner.RunCheckedAsync("bash", ["-c", ScriptText, "snapshot", .. WatchedDirectories, "--", .. temp], null, ct)
            .ConfigureAwait(false);
        var sections = new SnapshotSections(r.Stdout);
        List<string> S(string key) => sections[key];
        return new HostSnapshot(S("links"), S("addresses"), S("routes"), S("rules"), S("netns"), S("firewall"), S("entries"), S("temp"),
            Descendants(S("children"), Environment.ProcessId));
    }

    /// <summary>"pid comm" of every live descendant of <paramref name="root"/> from "pid ppid comm" lines (the snapshot's own shell leaves itself out).</summary>
    private static List<string> Descendants(List<string> table, int root)
    {
        var rows = table.Select(l => l.Split(' ', 3)).Where(p => p.Length == 3 && int.TryParse(p[0], out _) && int.TryParse(p[1], out _))
            .Select(p => (Pid: int.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture),
                Ppid: int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), Comm: p[2])).ToList();
        var result = new List<string>();
        var frontier = new Queue<int>([root]);
        var seen = new HashSet<int> { root };
        while (frontier.Count > 0)
        {
            var parent = frontier.Dequeue();
            foreach (var child in rows.Where(r => r.Ppid == parent && seen.Add(r.Pid)))
            {
                // dotnet test host helpers (e.g. the msbuild node or vstest console) are not started by tests.
                if (child.Comm.StartsWith("dotnet", StringComparison.Ordinal)) continue;
                result.Add($"{child.Pid} {child.Comm}");
                frontier.Enqueue(child.Pid);
            }
        }
        return result;
    }

    /// <summary>Human-readable differences from <paramref name="before"/> (empty = same).</summary>
    public IReadOnlyList<string> DifferencesFrom(HostSnapshot before)
    {
        ArgumentNullException.ThrowIfNull(before);
        var diffs = new List<string>();
        void Compare(string what, IReadOnlyList<string> a, IReadOnlyList<string> b) => diffs.AddRange(SnapshotDiff.Lines(what, a, b));
        Compare("link", before.Links, Links);
        Compare("address", before.Addresses, Addresses);
        Compare("route", before.Routes, Routes);
        Compare("rule", before.Rules, Rules);
        Compare("/run/netns entry", before.NetnsEntries, NetnsEntries);
        // A firewall that could not be read is never "unchanged" (empty before and empty after would compare equal).
        diffs.AddRange(before.Firewall.Where(Unreadable).Select(l => "firewall could not be read before the layer: " + l[1..]));
        diffs.AddRange(Firewall.Where(Unreadable).Select(l => "firewall could not be read after the layer: " + l[1..]));
        Compare("firewall rule", before.Firewall.Where(IsRule).ToList(), Firewall.Where(IsRule).ToList());
        Compare("host entry", before.Entries, Entries);
        Compare("entry of the run's temporary directory", before.TempEntries, TempEntries);
        diffs.AddRange(ChildProcesses.Select(p => "process still running: " + p));
        return diffs;
    }

    // "!not-root": without root the firewall cannot be read, nor changed by the run.
    private static bool IsRule(string line) => !line.StartsWith('!') && !CommitOrTable().IsMatch(line);

    private static bool Unreadable(string line) => line.StartsWith("!unreadable", StringComparison.Ordinal);

    [GeneratedRegex(@"^(COMMIT|\*\w+)$")]
    private static partial Regex CommitOrTable();

    public override string ToString() =>
        string.Join("\n", new[] { "links:" }.Concat(Links).Append("routes:").Concat(Routes).Append("netns:").Concat(NetnsEntries)
            .Append("entries:").Concat(Entries).Append("temp:").Concat(TempEntries).Append("children:").Concat(ChildProcesses));

    /// <summary>Writes the snapshot to a file (for a later process to compare with).</summary>
    public async Task SaveAsync(string path, CancellationToken ct = default) =>
        await File.WriteAllTextAsync(path, System.Text.Json.JsonSerializer.Serialize(this), ct).ConfigureAwait(false);

    /// <summary>Reads a snapshot written by <see cref="SaveAsync"/>.</summary>
    public static async Task<HostSnapshot> LoadAsync(string path, CancellationToken ct = default) =>
        System.Text.Json.JsonSerializer.Deserialize<HostSnapshot>(await File.ReadAllTextAsync(path, ct).ConfigureAwait(false))
        ?? throw new InvalidOperationException($"{path} holds no host snapshot");
}
