using System.Text.RegularExpressions;

namespace BashCni.Bench;

/// <summary>
/// Processes one plugin call caused, read from an <c>strace -f -e trace=execve,fork,vfork,clone,clone3</c> log:
/// programs executed (successful execve, the plugin's own included) and processes (the plugin plus every
/// fork/vfork/clone that is not a thread — bash subshells and pipelines count although they exec nothing).
/// </summary>
public sealed partial record SpawnCount(int Execs, int Processes)
{
    public static SpawnCount Parse(string trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var execs = 0;
        var forks = 0;
        foreach (var raw in trace.Split('\n'))
        {
            var line = raw.TrimEnd();
            var call = Call().Match(line);
            if (call.Success)
            {
                var name = call.Groups[1].Value;
                if (name == "execve")
                {
                    if (Succeeded().IsMatch(line)) execs++;
                }
                else if (!line.Contains("CLONE_THREAD", StringComparison.Ordinal))
                {
                    forks++;
                }
                continue;
            }
            var resumed = Resumed().Match(line);
            if (resumed.Success && resumed.Groups[1].Value == "execve" && Succeeded().IsMatch(line)) execs++;
        }
        return new SpawnCount(execs, forks + 1);
    }

    [GeneratedRegex(@"^\d+\s+(execve|clone3?|v?fork)\(")]
    private static partial Regex Call();

    [GeneratedRegex(@"^\d+\s+<\.\.\. (execve|clone3?|v?fork) resumed>")]
    private static partial Regex Resumed();

    [GeneratedRegex(@"\)\s+= 0$")]
    private static partial Regex Succeeded();
}
