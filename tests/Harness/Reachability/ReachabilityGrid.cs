using System.Text;

namespace BashCni.Harness.Reachability;

/// <summary>
/// Renders a matrix as an aligned text grid for the console and report attachments: one line per target,
/// one column per source (the target names are long, the four pod names fit across any terminal).
/// </summary>
public static class ReachabilityGrid
{
    /// <summary>The header of the first column: targets run down, sources run across.</summary>
    public const string Corner = "target \\ from";

    private const string Gap = "  ";

    public static string Render(string title, ReachabilityMatrix matrix, Func<string, string, string> cell, string? legend = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(cell);
        List<string[]> rows = [[Corner, .. matrix.Sources]];
        rows.AddRange(matrix.Targets.Select(target =>
            new[] { target }.Concat(matrix.Sources.Select(source => cell(source, target))).ToArray()));

        var widths = new int[matrix.Sources.Count + 1];
        foreach (var row in rows)
            for (var c = 0; c < row.Length; c++)
                widths[c] = Math.Max(widths[c], row[c].Length);

        var text = new StringBuilder();
        text.Append(title).Append('\n');
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (var c = 0; c < row.Length; c++)
            {
                if (c > 0) line.Append(Gap);
                line.Append(row[c].PadRight(widths[c]));
            }
            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
        if (!string.IsNullOrEmpty(legend))
            text.Append(legend).Append('\n');
        return text.ToString();
    }
}
