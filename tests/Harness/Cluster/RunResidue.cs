using System.Globalization;
using BashCni.Harness.Sandbox;

namespace BashCni.Harness.Cluster;

/// <summary>
/// What a local-cluster run may leave on the machine and how to remove it: processes whose command line names the
/// run directory (containerd, sshd, shims) or that live in the run's cgroups (pod processes), and the cgroup
/// directories runc made under /sys/fs/cgroup/*/bashcni-RUNID.
/// </summary>
public sealed class RunResidue(string runDirectory, string runId)
{
    private readonly string _runDirectory = runDirectory;

    /// <summary>The cgroup parent (relative to each hierarchy's root) of every pod of the run.</summary>
    public string CgroupParent { get; } = "bashcni-" + runId;

    /// <summary>Processes whose command line names this run's directory or whose cgroup is under this run's cgroup parent.</summary>
    public List<int> OwnProcesses()
    {
        var own = new List<int>();
        var cgroupMark = $"/{CgroupParent}/";
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                var cgroup = File.ReadAllText(Path.Combine(dir, "cgroup"));
                if (cmdline.Contains(_runDirectory, StringComparison.Ordinal) || cgroup.Contains(cgroupMark, StringComparison.Ordinal)) own.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while being looked at.
            }
        }
        return own;
    }

    public static string Describe(int pid)
    {
        try
        {
            return $"{pid} ({File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim()})";
        }
        catch (IOException)
        {
            return pid.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>SIGTERM, wait up to 5 s, SIGKILL, wait up to 5 s more.</summary>
    public static async Task StopProcessesAsync(IReadOnlyCollection<int> pids, List<string> problems, CancellationToken ct)
    {
        var alive = pids.Where(IsAlive).Distinct().ToList();
        if (alive.Count == 0) return;
        foreach (var signal in new[] { "TERM", "KILL" })
        {
            alive = alive.Where(IsAlive).ToList();
            if (alive.Count == 0) return;
            await LocalRunner.Instance.RunAsync("kill", ["-" + signal, .. alive.Select(p => p.ToString(CultureInfo.InvariantCulture))],
                cancellationToken: CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Waits.UntilAsync($"processes {string.Join(",", alive)} to exit after SIG{signal}", _ =>
                    ValueTask.FromResult(alive.Any(IsAlive) ? Waits.Probe.NotYet("still running: " + string.Join(", ", alive.Where(IsAlive))) : Waits.Probe.Ok),
                    TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50), ct).ConfigureAwait(false);
                return;
            }
            catch (TimeoutException e) when (signal == "TERM")
            {
                _ = e;
            }
            catch (TimeoutException e)
            {
                lock (problems) problems.Add(e.Message);
            }
        }
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
    }

    public IEnumerable<string> CgroupDirectories()
    {
        if (!Directory.Exists("/sys/fs/cgroup")) yield break;
        foreach (var controller in Directory.EnumerateDirectories("/sys/fs/cgroup"))
        {
            var mine = Path.Combine(controller, CgroupParent);
            if (Directory.Exists(mine)) yield return mine;
        }
    }

    /// <summary>Removes this run's cgroup directories (deepest first; cgroupfs only allows rmdir of empty groups).</summary>
    public void RemoveCgroups(List<string> problems)
    {
        foreach (var top in CgroupDirectories().ToList())
        {
            var all = Directory.EnumerateDirectories(top, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(top);
            foreach (var dir in all)
            {
                try
                {
                    Directory.Delete(dir);
                }
                catch (IOException e)
                {
                    problems.Add($"cannot remove cgroup {dir}: {e.Message}");
                }
            }
        }
    }
}
