using System.Globalization;
using System.Text.RegularExpressions;

namespace BashCni.Bench;

/// <summary>
/// A small executable put in place of a plugin inside the sandbox: it runs the real plugin (same env, stdin,
/// stdout) and reports on stderr when the plugin started and ended (epoch microseconds), so the benchmark times
/// the plugin itself — fork/exec to exit, as a runtime sees it — without the harness's nsenter + ip netns exec.
/// It also reports the CPU time (user + system) the plugin and its children used, which is far less sensitive to
/// other load on the machine than wall time. With BENCH_TRACE=FILE in the env it runs the plugin under strace and
/// writes the execve/fork trace to FILE.
/// </summary>
public static partial class TimingShim
{
    private const string Template = """
        #!/usr/bin/env bash
        # Benchmark shim: runs the plugin below and reports its start and end time (epoch microseconds) on stderr.
        set -uo pipefail
        plugin=@PLUGIN@
        start=${EPOCHREALTIME//[!0-9]/}
        if [[ -n "${BENCH_TRACE:-}" ]]; then
          strace -f -qq -e trace=execve,fork,vfork,clone,clone3 -o "$BENCH_TRACE" -- "$plugin"
        else
          "$plugin"
        fi
        rc=$?
        end=${EPOCHREALTIME//[!0-9]/}
        printf 'bench-shim start=%s end=%s\n' "$start" "$end" >&2
        # Second line of `times`: user and system CPU time of the plugin and everything it ran.
        printf 'bench-shim-times ' >&2
        times >&2
        exit "$rc"
        """;

    /// <summary>The shim's text for the plugin at <paramref name="pluginPath"/>.</summary>
    public static string For(string pluginPath)
    {
        ArgumentNullException.ThrowIfNull(pluginPath);
        if (pluginPath.Contains('\'', StringComparison.Ordinal)) throw new ArgumentException($"unsupported path: {pluginPath}");
        return Template.Replace("@PLUGIN@", "'" + pluginPath + "'", StringComparison.Ordinal) + "\n";
    }

    /// <summary>The plugin's start and end (epoch µs) from the shim's last report line in stderr, if any.</summary>
    public static (long Start, long End)? Read(string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        var matches = ReportLine().Matches(stderr);
        if (matches.Count == 0) return null;
        var m = matches[^1];
        return (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>CPU time (ms, user + system) of the plugin and its children from the shim's report, if any.</summary>
    public static double? ReadCpu(string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        var matches = TimesLines().Matches(stderr);
        if (matches.Count == 0) return null;
        var m = matches[^1];
        double Seconds(int group) =>
            (int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) * 60) + double.Parse(m.Groups[group + 1].Value, CultureInfo.InvariantCulture);
        return (Seconds(1) + Seconds(3)) * 1000.0;
    }

    [GeneratedRegex(@"bench-shim start=(\d+) end=(\d+)")]
    private static partial Regex ReportLine();

    [GeneratedRegex(@"bench-shim-times \S+ \S+\r?\n(\d+)m([\d.]+)s (\d+)m([\d.]+)s")]
    private static partial Regex TimesLines();
}
