using System.Globalization;
using System.Net;
using System.Text;

namespace BashCni.Harness.Reachability;

/// <summary>
/// A stage's <see cref="ProbeReport"/> as a self-contained HTML page for the report: a one-line summary
/// ("48 cells compared, 48 as expected"), then one table with targets down and sources across (as the text grid),
/// each cell showing the observed value, the expected one when they differ (highlighted), and how the cell was
/// probed (<see cref="ProbeAttempt.Via"/>, else the command line). No scripts, no external resources.
/// </summary>
public static class ReachabilityTable
{
    /// <summary>The CSS class of a cell whose observation differs from the expectation (the browser check looks for it).</summary>
    public const string DifferenceClass = "differs";

    private const string Style = """
        body{font:13px/1.35 system-ui,-apple-system,"Segoe UI",sans-serif;margin:8px;color:#1d1d1f;background:#fff}
        p.summary{font-weight:600;margin:0 0 8px}
        p.summary.bad{color:#b00020}
        p.summary.good{color:#1b5e20}
        table.reach{border-collapse:collapse}
        table{margin-bottom:6px}
        table.reach th,table.reach td,table.diffs th,table.diffs td{border:1px solid #c8c8cc;padding:1px 6px;text-align:center;vertical-align:top}
        table.diffs{border-collapse:collapse}
        table.diffs thead th{background:#f2f2f4}
        table.reach thead th{background:#f2f2f4;font-weight:600}
        table.reach tbody th{text-align:left;background:#f7f7f9;font-weight:600;white-space:nowrap}
        td .v{font-weight:600;display:block}
        td .how{display:block;font-size:10px;line-height:1.15;color:#555;max-width:220px;overflow-wrap:anywhere}
        td.yes{background:#e3f4e5}
        td.no{background:#f1f1f3}
        td.na{background:#fff;color:#999}
        td.err{background:#fff3cd}
        td.differs{background:#ffcdd2;outline:3px solid #d50000;outline-offset:-3px}
        td.differs .v{color:#b00020}
        .legend{margin-top:8px;font-size:11px;color:#555}
        .legend span{display:inline-block;padding:1px 6px;margin-right:6px;border:1px solid #c8c8cc}
        """;

    /// <summary>"48 cells compared, 48 as expected" or "48 cells compared, 47 as expected, 1 differs: a -> b".</summary>
    public static string Summary(ProbeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var compared = report.Diff.ComparedCells;
        var differing = report.Diff.Differences.Count;
        var text = string.Create(CultureInfo.InvariantCulture, $"{compared} cells compared, {compared - differing} as expected");
        if (differing == 0) return text;
        return text + string.Create(CultureInfo.InvariantCulture, $", {differing} differ{(differing == 1 ? "s" : "")}: ") +
               string.Join("; ", report.Diff.Differences.Select(d => $"{d.Source} -> {d.Target} expected {d.Expected.Symbol()}, observed {d.Observed.Symbol()}"));
    }

    /// <summary>The whole page.</summary>
    public static string Render(ProbeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var matrix = report.Plan.Expected;
        var cells = new Dictionary<(string, string), ProbeCell>();
        foreach (var cell in report.Cells) cells[(cell.Source, cell.Target)] = cell;
        var good = report.Diff.IsEmpty;

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>reachability, stage ")
            .Append(E(report.Plan.Stage)).Append("</title><style>").Append(Style).Append("</style></head><body>\n");
        html.Append("<p class=\"summary ").Append(good ? "good" : "bad").Append("\" data-compared=\"")
            .Append(report.Diff.ComparedCells.ToString(CultureInfo.InvariantCulture)).Append("\" data-differing=\"")
            .Append(report.Diff.Differences.Count.ToString(CultureInfo.InvariantCulture)).Append("\">Stage ")
            .Append(E(report.Plan.Stage)).Append(": ").Append(E(Summary(report))).Append("</p>\n");
        // The differing cells first, in a small table of their own: the report shows an HTML attachment in a frame
        // only 150 px high when opened from disk, and this is what a reviewer must see without scrolling.
        if (!good)
        {
            html.Append("<table class=\"diffs\"><thead><tr><th>from</th><th>to</th><th>observed</th><th>expected</th><th>how</th></tr></thead><tbody>\n");
            foreach (var difference in report.Diff.Differences)
            {
                var cell = cells.GetValueOrDefault((difference.Source, difference.Target));
                html.Append("<tr><td>").Append(E(difference.Source)).Append("</td><td>").Append(E(difference.Target)).Append("</td>");
                AppendCell(html, difference.Expected, difference.Observed, cell, withHow: false);
                html.Append("<td>").Append(E(difference.Expected.Symbol())).Append("</td><td>")
                    .Append(E(cell is null ? "" : How(cell))).Append("</td></tr>\n");
            }
            html.Append("</tbody></table>\n");
        }
        html.Append("<table class=\"reach\" data-stage=\"").Append(E(report.Plan.Stage)).Append("\">\n<thead><tr><th>")
            .Append(E(ReachabilityGrid.Corner)).Append("</th>");
        foreach (var source in matrix.Sources) html.Append("<th scope=\"col\">").Append(E(source)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var target in matrix.Targets)
        {
            html.Append("<tr><th scope=\"row\">").Append(E(target)).Append("</th>");
            foreach (var source in matrix.Sources)
                AppendCell(html, matrix[source, target], report.Observed[source, target], cells.GetValueOrDefault((source, target)));
            html.Append("</tr>\n");
        }
        html.Append("</tbody></table>\n<p class=\"legend\"><span class=\"yes\" style=\"background:#e3f4e5\">yes: answered</span>")
            .Append("<span style=\"background:#f1f1f3\">no: no answer</span>")
            .Append("<span style=\"background:#fff3cd\">ERR: the probe could not run</span>")
            .Append("<span style=\"background:#ffcdd2;outline:2px solid #d50000\">differs from the expectation</span>")
            .Append("<span>—: not probed</span> Hover a cell for every attempt.</p>\n");
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void AppendCell(StringBuilder html, Reach expected, Reach observed, ProbeCell? cell, bool withHow = true)
    {
        if (expected is not (Reach.Yes or Reach.No))
        {
            html.Append("<td class=\"na\">—</td>");
            return;
        }
        var differs = observed != expected;
        var kind = observed switch { Reach.Yes => "yes", Reach.No => "no", Reach.Error => "err", _ => "na" };
        html.Append("<td class=\"").Append(kind).Append(differs ? " " + DifferenceClass : "").Append('"');
        if (cell is not null) html.Append(" title=\"").Append(E(Attempts(cell))).Append('"');
        html.Append("><span class=\"v\">");
        html.Append(differs ? $"{observed.Symbol()} (expected {expected.Symbol()})" : observed.Symbol());
        html.Append("</span>");
        if (withHow && cell is not null && How(cell) is { Length: > 0 } how) html.Append("<span class=\"how\">").Append(E(how)).Append("</span>");
        html.Append("</td>");
    }

    /// <summary>
    /// The matrix as CSV (the report renders it inline as a table of its own, full height): targets down, sources
    /// across, each cell the observed value, a differing one as "✗ no (expected yes)".
    /// </summary>
    public static string RenderCsv(ProbeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var matrix = report.Plan.Expected;
        var csv = new StringBuilder();
        csv.AppendJoin(',', new[] { ReachabilityGrid.Corner }.Concat(matrix.Sources).Select(Csv)).Append('\n');
        foreach (var target in matrix.Targets)
        {
            csv.Append(Csv(target));
            foreach (var source in matrix.Sources)
            {
                var expected = matrix[source, target];
                var observed = report.Observed[source, target];
                var text = expected is not (Reach.Yes or Reach.No) ? "-"
                    : observed == expected ? observed.Symbol()
                    : $"✗ {observed.Symbol()} (expected {expected.Symbol()})";
                csv.Append(',').Append(Csv(text));
            }
            csv.Append('\n');
        }
        return csv.ToString();
    }

    private static string Csv(string text) =>
        text.IndexOfAny([',', '"', '\n']) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>How the cell was probed: the last attempt's <see cref="ProbeAttempt.Via"/>, else its command line, else why it could not run.</summary>
    public static string How(ProbeCell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (cell.Probe.Problem is { } problem) return "cannot probe: " + problem;
        var last = cell.Attempts.Count > 0 ? cell.Attempts[^1] : null;
        var how = last is null ? cell.Probe.Display : last.Via.Length > 0 ? last.Via : last.CommandLine;
        if (cell.Attempts.Count > 1) how += string.Create(CultureInfo.InvariantCulture, $" ({cell.Attempts.Count} attempts)");
        return how;
    }

    private static string Attempts(ProbeCell cell)
    {
        var text = new StringBuilder();
        text.Append(cell.Source).Append(" -> ").Append(cell.Target);
        if (cell.Probe.Address is not null) text.Append(" (").Append(cell.Probe.Address).Append(')');
        foreach (var attempt in cell.Attempts)
        {
            text.Append('\n').Append(attempt);
            if (attempt.Via.Length > 0) text.Append(" [via ").Append(attempt.Via).Append(']');
        }
        return text.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
