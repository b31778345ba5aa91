using System.Globalization;
using System.Text.RegularExpressions;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.LogRotation;

/// <summary>
/// <see cref="LogRotationCase"/>: after the ADD, a log that crossed the limit has become <c>&lt;logFile&gt;.1</c>
/// (every filler line in order, then the ADD's whole line, the old generation gone) and the DEL's line starts a new
/// log; a log under the limit is not rotated and ends with the ADD's line, then the DEL's. No line is lost, doubled or
/// split across the two files.
/// </summary>
public static partial class LogRotationChecks
{
    public const string Check = "the log rotates at its size limit without losing or splitting a line";

    private const string OldLine = "old generation line";

    public static async Task<Verdict> RotationAsync(TestNode node, LogRotationCase c)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(c);
        var p = new Findings();
        var log = node.Node.LogFile;
        // Numbered filler lines of exactly LineBytes bytes: "filler NNNNNNN " + x… + "\n".
        var script = """
            set -euo pipefail
            awk -v n="$2" -v w="$3" 'BEGIN { pad = sprintf("%*s", w - 16, ""); gsub(/ /, "x", pad); for (i = 1; i <= n; i++) printf "filler %07d %s\n", i, pad }' > "$1"
            rm -f -- "$1.1"
            if [[ "$4" == 1 ]]; then printf '%s\n' "$5" > "$1.1"; fi
            """;
        await node.Runner.RunCheckedAsync("bash", ["-c", script, "fill", log, c.FillerLines.ToString(CultureInfo.InvariantCulture),
            LogRotationCase.LineBytes.ToString(CultureInfo.InvariantCulture), c.OldGeneration ? "1" : "0", OldLine]).ConfigureAwait(false);
        var size = (await ReadAsync(node, log).ConfigureAwait(false)).Length;
        if (size != c.FillerLines * LogRotationCase.LineBytes) return Verdict.SetUpFailed($"{Check} ({c.Name})", $"the filled log has {size} bytes, expected {c.FillerLines * LogRotationCase.LineBytes}");
        var config = node.Config();
        var (pod, add) = await node.AddPodAsync(config).ConfigureAwait(false);
        if (!add.Succeeded) return Verdict.SetUpFailed($"{Check} ({c.Name})", $"ADD failed: {add.Stdout.Trim()}");
        var id = pod.ContainerId;
        var (current, old) = (await LinesAsync(node, log, p).ConfigureAwait(false), await LinesAsync(node, log + ".1", p).ConfigureAwait(false));
        var fillerEnd = c.Rotates ? old : current;
        var rest = c.Rotates ? current : old;
        ExpectFillerThen(p, c, c.Rotates ? "log.1" : "log", fillerEnd, [$" ADD id={id} "]);
        if (c.Rotates && rest.Count > 0) p.Add($"{c.Name}: after the ADD the new log is not empty: {string.Join(" | ", rest.Take(3))}");
        var untouchedOld = c.OldGeneration ? rest.Count == 1 && rest[0] == OldLine : rest.Count == 0;
        if (!c.Rotates && !untouchedOld)
            p.Add($"{c.Name}: the log under its limit was rotated: log.1 holds {rest.Count} line(s)");
        await node.CleanUpAsync(TestNode.Call(pod, config), p).ConfigureAwait(false);
        (current, old) = (await LinesAsync(node, log, p).ConfigureAwait(false), await LinesAsync(node, log + ".1", p).ConfigureAwait(false));
        if (c.Rotates)
        {
            ExpectFillerThen(p, c, "log.1 after the DEL", old, [$" ADD id={id} "]);
            if (current.Count != 1 || !IsWhole(current[0], $" DEL id={id} "))
                p.Add($"{c.Name}: after the rotation the DEL's line is not the new log's only line: [{string.Join(" | ", current.Take(3))}]");
        }
        else ExpectFillerThen(p, c, "log", current, [$" ADD id={id} ", $" DEL id={id} "]);
        return Verdict.Of($"{Check} ({c.Name})", p, $"log {current.Count} line(s), log.1 {old.Count} line(s)");
    }

    /// <summary><paramref name="lines"/> must be the filler lines 1…n in order, then one whole plugin line per marker.</summary>
    private static void ExpectFillerThen(Findings p, LogRotationCase c, string file, IReadOnlyList<string> lines, string[] markers)
    {
        var filler = lines.Count - markers.Length;
        if (filler != c.FillerLines)
            p.Add($"{c.Name}: {file} has {lines.Count} line(s), expected the {c.FillerLines} filler lines and {markers.Length} of the plugin's");
        for (var i = 0; i < Math.Min(filler, c.FillerLines); i++)
        {
            var want = $"filler {i + 1:D7} ";
            if (!lines[i].StartsWith(want, StringComparison.Ordinal) || lines[i].Length != LogRotationCase.LineBytes - 1)
            {
                p.Add($"{c.Name}: {file} line {i + 1} is not filler line {i + 1}: {lines[i]}");
                break;
            }
        }
        for (var m = 0; m < markers.Length; m++)
        {
            var at = lines.Count - markers.Length + m;
            if (at < 0 || !IsWhole(lines[at], markers[m]))
                p.Add($"{c.Name}: {file} does not end with the whole line of{markers[m].TrimEnd()}: {(at >= 0 ? lines[at] : "(none)")}");
        }
        if (c.OldGeneration && lines.Contains(OldLine)) p.Add($"{c.Name}: {file} still holds the old generation's line");
    }

    /// <summary>
    /// A whole plugin line (README's "Log"): a timestamp, plugin[pid], the marker (command and id), the duration, and
    /// with logLevel debug the input ending in the whole stdin (a JSON object).
    /// </summary>
    private static bool IsWhole(string line, string marker) =>
        line.Contains(marker, StringComparison.Ordinal) && WholeLine().IsMatch(line);

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\S+ [\w.-]+\[\d+\] [A-Z]+ id=.* \d+\.\d{3}ms( netns=.* stdin=\{.*\})?$")]
    private static partial Regex WholeLine();

    /// <summary>The file's lines; a file that ends in the middle of a line is a finding (a split line).</summary>
    private static async Task<List<string>> LinesAsync(TestNode node, string path, Findings p)
    {
        var text = await ReadAsync(node, path).ConfigureAwait(false);
        if (text.Length == 0) return [];
        if (!text.EndsWith('\n')) p.Add($"{path} ends in the middle of a line: …{text[^Math.Min(text.Length, 80)..]}");
        return [.. text.TrimEnd('\n').Split('\n')];
    }

    private static async Task<string> ReadAsync(TestNode node, string path) =>
        (await node.Runner.RunAsync("bash", ["-c", "cat -- \"$1\" 2>/dev/null || true", "read", path]).ConfigureAwait(false)).Stdout;
}
