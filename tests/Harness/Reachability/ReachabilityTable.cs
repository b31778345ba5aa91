using System.Globalization;
using System.Net;
using System.Text;

namespace BashCni.Harness.Reachability;

/// <summary>
/// A stage's <see cref="ProbeReport"/> for the report: expected and observed in one table, targets down and sources
/// across (as the text grid). A cell reads "yes", or "no (expected yes)" where it differs, with the reason the probe
/// gave; a differing cell also names the command that reproduces it. The differing cells come first, in a table of
/// their own, under a one-line summary ("38 cells compared, 37 as expected, 1 differs: …").
/// </summary>
/// <remarks>
/// <see cref="Render"/> is an HTML fragment for the test's description (<c>Evidence.DescriptionHtml</c>): Allure 3's
/// awesome report shows a description in a frame sized to its content, whereas an HTML attachment's frame stays
/// 150 px high when the report is opened from disk (its blob: frame cannot be measured). The report sanitises the
/// description (no scripts, no style blocks), so the fragment styles itself inline. <see cref="RenderCsv"/> is the
/// same content one row per cell: the report renders a CSV attachment as a table of its own, full height.
/// </remarks>
public static class ReachabilityTable
{
    /// <summary>The CSS class of a cell whose observation differs from the expectation (the browser check looks for it).</summary>
    public const string DifferenceClass = "differs";

    private const string CellBase = "border:1px solid #c8c8cc;padding:2px 6px;vertical-align:top;color:#1d1d1f;overflow-wrap:anywhere;";
    private const string Head = CellBase + "background:#f2f2f4;font-weight:600;text-align:left;";
    private const string Small = "display:block;font-size:11px;line-height:1.25;color:#444;";
    private const string Code = "display:block;font:11px/1.25 ui-monospace,Menlo,Consolas,monospace;color:#333;overflow-wrap:anywhere;";

    /// <summary>"48 cells compared, 48 as expected" or "48 cells compared, 47 as expected, 1 differs: a -> b expected no, observed yes".</summary>
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

    /// <summary>What a cell reads: "yes", or "no (expected yes)" where the observation differs; "—" where nothing is compared.</summary>
    public static string Reads(Reach expected, Reach observed) =>
        expected is not (Reach.Yes or Reach.No) ? "—"
        : observed == expected ? observed.Symbol()
        : $"{observed.Symbol()} (expected {expected.Symbol()})";

    /// <summary>Why the cell was observed as it was: "cannot probe: …" when it could not run, else the deciding attempt's reason.</summary>
    public static string Reason(ProbeCell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return cell.Probe.Problem is { } problem ? "cannot probe: " + problem : cell.ObservedReason.Words();
    }

    /// <summary>The HTML fragment (inline styles only): summary, the differing cells, then the whole matrix.</summary>
    public static string Render(ProbeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var matrix = report.Plan.Expected;
        var cells = new Dictionary<(string, string), ProbeCell>();
        foreach (var cell in report.Cells) cells[(cell.Source, cell.Target)] = cell;
        var good = report.Diff.IsEmpty;
        var stage = E(report.Plan.Stage);

        var html = new StringBuilder();
        html.Append("<div class=\"reachability\" data-stage=\"").Append(stage).Append("\" style=\"font:13px/1.35 system-ui,sans-serif\">\n");
        html.Append("<p class=\"summary ").Append(good ? "good" : "bad").Append("\" data-compared=\"")
            .Append(report.Diff.ComparedCells.ToString(CultureInfo.InvariantCulture)).Append("\" data-differing=\"")
            .Append(report.Diff.Differences.Count.ToString(CultureInfo.InvariantCulture))
            .Append("\" style=\"font-weight:600;margin:0 0 6px;color:").Append(good ? "#1b5e20" : "#b00020").Append("\">Reachability, stage ")
            .Append(stage).Append(": ").Append(E(Summary(report))).Append("</p>\n");
        if (!good)
        {
            html.Append("<table class=\"diffs\" style=\"border-collapse:collapse;width:100%;margin:0 0 8px\"><thead><tr>")
                .Append("<th style=\"").Append(Head).Append("\">from → to</th><th style=\"").Append(Head).Append("\">reads</th><th style=\"")
                .Append(Head).Append("\">why, and the command that reproduces it</th></tr></thead><tbody>\n");
            foreach (var difference in report.Diff.Differences)
            {
                var cell = cells.GetValueOrDefault((difference.Source, difference.Target));
                html.Append("<tr><td style=\"").Append(CellBase).Append("\">").Append(E(difference.Source)).Append(" → ").Append(E(difference.Target))
                    .Append(cell?.Probe.Address is { } address ? $" ({E(address)})" : "").Append("</td>");
                AppendCell(html, difference.Expected, difference.Observed, cell, details: false);
                html.Append("<td style=\"").Append(CellBase).Append("\">");
                if (cell is not null)
                {
                    html.Append("<span style=\"").Append(Small).Append("\">").Append(E(Reason(cell))).Append(Via(cell)).Append("</span>");
                    if (cell.Command.Length > 0) html.Append("<code style=\"").Append(Code).Append("\">").Append(E(cell.Command)).Append("</code>");
                }
                html.Append("</td></tr>\n");
            }
            html.Append("</tbody></table>\n");
        }
        html.Append("<table class=\"reach\" data-stage=\"").Append(stage)
            .Append("\" style=\"border-collapse:collapse;width:100%;table-layout:fixed\">\n<thead><tr><th style=\"").Append(Head).Append("\">")
            .Append(E(ReachabilityGrid.Corner)).Append("</th>");
        foreach (var source in matrix.Sources) html.Append("<th scope=\"col\" style=\"").Append(Head).Append("\">").Append(E(source)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var target in matrix.Targets)
        {
            html.Append("<tr><th scope=\"row\" style=\"").Append(Head).Append("background:#f7f7f9\">").Append(E(target)).Append("</th>");
            foreach (var source in matrix.Sources)
                AppendCell(html, matrix[source, target], report.Observed[source, target], cells.GetValueOrDefault((source, target)), details: true);
            html.Append("</tr>\n");
        }
        html.Append("</tbody></table>\n<p style=\"font-size:11px;color:#555;margin:6px 0 0\">")
            .Append("Each cell: what the source observed towards the target, \"(expected …)\" where that is not what was expected, and why (the probe's reason). ")
            .Append("Green: answered; grey: no answer; yellow: the probe could not run; red frame: not as expected; —: not probed. ")
            .Append("Every attempt of every cell: attachment \"reachability probes (").Append(stage).Append(")\".</p>\n</div>\n");
        return html.ToString();
    }

    private static void AppendCell(StringBuilder html, Reach expected, Reach observed, ProbeCell? cell, bool details)
    {
        if (expected is not (Reach.Yes or Reach.No))
        {
            html.Append("<td class=\"na\" style=\"").Append(CellBase).Append("color:#999;background:#fff\">—</td>");
            return;
        }
        var differs = observed != expected;
        var kind = observed switch { Reach.Yes => "yes", Reach.No => "no", Reach.Error => "err", _ => "na" };
        var background = differs ? "#ffcdd2;outline:3px solid #d50000;outline-offset:-3px"
            : observed switch { Reach.Yes => "#e3f4e5", Reach.No => "#f1f1f3", Reach.Error => "#fff3cd", _ => "#fff" };
        html.Append("<td class=\"").Append(kind).Append(differs ? " " + DifferenceClass : "").Append("\" style=\"").Append(CellBase)
            .Append("background:").Append(background).Append('"');
        if (cell is not null) html.Append(" title=\"").Append(E(Attempts(cell))).Append('"');
        html.Append("><b style=\"display:block;").Append(differs ? "color:#b00020" : "").Append("\">").Append(E(Reads(expected, observed))).Append("</b>");
        if (details && cell is not null && (differs || cell.Probe.Problem is not null || cell.ObservedReason != ProbeReason.Unknown))
        {
            html.Append("<span style=\"").Append(Small).Append("\">").Append(E(Reason(cell))).Append("</span>");
            if (differs && cell.Command.Length > 0) html.Append("<code style=\"").Append(Code).Append("\">").Append(E(cell.Command)).Append("</code>");
        }
        html.Append("</td>");
    }

    private static string Via(ProbeCell cell)
    {
        var via = cell.Deciding?.Via ?? "";
        var text = via.Length > 0 ? ", via " + via : "";
        if (cell.Attempts.Count > 1) text += string.Create(CultureInfo.InvariantCulture, $", {cell.Attempts.Count} attempts");
        return E(text);
    }

    /// <summary>
    /// The same table one row per compared cell, differing cells first: from, to, what the cell reads
    /// ("no (expected yes)"), the probe's reason, and the command that reproduces it.
    /// </summary>
    public static string RenderCsv(ProbeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder("from,to,reads,why,command\n");
        var order = report.Plan.Expected.Sources.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i);
        foreach (var cell in report.Cells
                     .Where(c => c.Expected is Reach.Yes or Reach.No)
                     .OrderBy(c => c.AsExpected)
                     .ThenBy(c => order.GetValueOrDefault(c.Source)))
        {
            var reads = Reads(cell.Expected, report.Observed[cell.Source, cell.Target]);
            csv.AppendJoin(',', new[]
            {
                cell.Source, cell.Target + (cell.Probe.Address is { } a ? $" ({a})" : ""),
                cell.AsExpected ? reads : "✗ " + reads, Reason(cell), cell.Command,
            }.Select(Csv)).Append('\n');
        }
        return csv.ToString();
    }

    private static string Csv(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

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
