using System.Globalization;
using System.Text;

namespace BashCni.Harness.Sandbox;

/// <summary>
/// The processes a run started, found by the mark every one of them inherits: the environment entry
/// <c>BASHCNI_LAYER_STATE=&lt;the layer's state directory&gt;</c> (run-tests.sh makes the directory fresh per run and
/// layer). Unlike a walk of this process's children, this finds a process that was re-parented to init when the
/// layer's test process exited, and it never names a process the run did not start (a busy machine's own).
/// A process that threw its environment away (a container's entrypoint) is not found here: such processes live in
/// the sandbox's namespaces, and the sandbox's own teardown check finds them.
/// </summary>
public static class RunProcesses
{
    /// <summary>The mark of the current layer's processes, or null outside a run-tests.sh layer.</summary>
    public static string? CurrentMark =>
        Environment.GetEnvironmentVariable("BASHCNI_LAYER_STATE") is { Length: > 0 } dir ? "BASHCNI_LAYER_STATE=" + dir : null;

    /// <summary>
    /// "pid comm: command line" of every live process carrying <paramref name="mark"/>, except the process tree this
    /// check itself runs in (the test invocation that carries the mark, its helpers and this process's children).
    /// </summary>
    public static IReadOnlyList<string> Carrying(string mark, int self)
    {
        ArgumentException.ThrowIfNullOrEmpty(mark);
        var table = new Dictionary<int, (int Ppid, string Comm)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (Stat(pid) is { } stat) table[pid] = stat;
        }
        // The topmost ancestor of this process that carries the mark is the test invocation running this check.
        var top = self;
        for (var p = self; table.TryGetValue(p, out var row) && row.Ppid > 0; p = row.Ppid)
            if (HasMark(row.Ppid, mark)) top = row.Ppid;
        var mine = new HashSet<int> { top };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (pid, row) in table)
                if (!mine.Contains(pid) && mine.Contains(row.Ppid)) grew = mine.Add(pid) || grew;
        }
        for (var p = self; table.TryGetValue(p, out var row) && row.Ppid > 0; p = row.Ppid) mine.Add(p);
        return table.Where(kv => !mine.Contains(kv.Key) && HasMark(kv.Key, mark))
            .OrderBy(kv => kv.Key)
            .Select(kv => $"{kv.Key} {kv.Value.Comm}: {CommandLine(kv.Key)}").ToList();
    }

    private static (int Ppid, string Comm)? Stat(int pid)
    {
        var text = Read($"/proc/{pid}/stat");
        if (text is null) return null;
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        if (open < 0 || close < open) return null;
        var rest = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return rest.Length > 1 && int.TryParse(rest[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid)
            ? (ppid, text[(open + 1)..close]) : null;
    }

    private static bool HasMark(int pid, string mark) =>
        Read($"/proc/{pid}/environ") is { } env && env.Split('\0').Contains(mark, StringComparer.Ordinal);

    private static string CommandLine(int pid) => (Read($"/proc/{pid}/cmdline") ?? "").Replace('\0', ' ').Trim();

    /// <summary>A /proc file's text, or null when the process is gone or hides it (another user's, non-root).</summary>
    private static string? Read(string path)
    {
        try { return Encoding.UTF8.GetString(File.ReadAllBytes(path)); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        catch (IOException) { return null; } // ESRCH: the process exited while being read
    }
}
