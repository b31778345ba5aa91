using System.Globalization;
using System.Text;

namespace BashCni.Bench;

/// <summary>Renders a report as markdown: the comparison table, the targets and the notes.</summary>
public static class MarkdownReport
{
    private const string Ours = Contender.OursKey;
    private const string Ref = Contender.ReferenceKey;

    public static string Render(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        var m = report.Machine;
        var quick = report.Settings.Quick ? " (quick run)" : "";
        sb.AppendLine(Inv($"Run {report.Date:yyyy-MM-dd HH:mm} UTC on {m.Host}: {m.Cpu}, {m.Cores} cores, {m.Os}, kernel {m.Kernel}; load {m.LoadBefore} → {m.LoadAfter}; bash-cni {m.OursRevision}, {m.ReferenceVersion}; N = {report.Settings.Iterations} per plugin and scenario{quick}, {report.ElapsedSeconds:F0} s."));
        sb.AppendLine();
        sb.AppendLine(Table(report));
        sb.AppendLine("Targets (reported, not asserted):");
        sb.AppendLine();
        sb.AppendLine("| target | measured | limit | status |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var t in report.Targets)
            sb.AppendLine($"| {t.Name} | {t.Measured} | {t.Limit} | {(t.Met switch { true => "met", false => "**not met**", null => "n/a" })} |");
        sb.AppendLine();
        foreach (var note in report.Notes) sb.AppendLine("- " + note);
        var problems = Problems(report).ToList();
        if (problems.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Problems seen:");
            foreach (var p in problems) sb.AppendLine("- " + p);
        }
        return sb.ToString();
    }

    /// <summary>The table: one row per metric, bash-cni vs reference and their ratio.</summary>
    public static string Table(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.AppendLine("| metric | bash-cni | reference | ratio |");
        sb.AppendLine("|---|---:|---:|---:|");
        var e24 = report.Scenario(BenchScenario.Empty24.Key);
        foreach (var (label, pick) in new (string, Func<ContenderReport, double>)[]
                 {
                     ("ADD p50", r => r.Add.P50), ("ADD p95", r => r.Add.P95), ("ADD p99", r => r.Add.P99),
                     ("DEL p50", r => r.Del.P50), ("DEL p95", r => r.Del.P95), ("DEL p99", r => r.Del.P99),
                 })
            Row(sb, $"{label} (ms), empty /24", pick(e24.Results[Ours]), pick(e24.Results[Ref]), "F1");
        Row(sb, "ADD CPU time p50 (ms, user + system)", e24.Results[Ours].AddCpu.P50, e24.Results[Ref].AddCpu.P50, "F1");
        Row(sb, "DEL CPU time p50 (ms, user + system)", e24.Results[Ours].DelCpu.P50, e24.Results[Ref].DelCpu.P50, "F1");
        Row(sb, "ADD p50 (ms) via harness (+ nsenter, ip netns exec)", e24.Results[Ours].AddViaHarness.P50, e24.Results[Ref].AddViaHarness.P50, "F1");
        foreach (var s in report.Scenarios.Where(s => s.Key != BenchScenario.Empty24.Key))
        {
            var early = s.StoppedEarly ? Inv($" (n={s.Results[Ours].Add.Count}, time budget)") : "";
            Row(sb, $"ADD p50 (ms), {s.Title}{early}", s.Results[Ours].Add.P50, s.Results[Ref].Add.P50, "F1");
        }
        foreach (var s in report.Scenarios.Where(s => s.Taken > 0))
            Row(sb, $"DEL p50 (ms), {s.Title}", s.Results[Ours].Del.P50, s.Results[Ref].Del.P50, "F1");
        if (report.Parallel.TryGetValue(Ours, out var po) && report.Parallel.TryGetValue(Ref, out var pr))
        {
            Row(sb, $"{po.Count} parallel ADDs: span of the plugins (ms)", po.SpanMs, pr.SpanMs, "F0");
            Row(sb, $"{po.Count} parallel ADDs: wall via harness (ms)", po.WallMs, pr.WallMs, "F0");
            Row(sb, $"{po.Count} parallel ADDs: throughput (ADD/s, over the span)", po.AddsPerSecond, pr.AddsPerSecond, "F1");
            sb.AppendLine($"| {po.Count} parallel ADDs: distinct addresses / failures | {po.Distinct} / {po.Failures} | {pr.Distinct} / {pr.Failures} | |");
            Row(sb, $"{po.Count} parallel DELs: span of the plugins (ms)", po.DelSpanMs, pr.DelSpanMs, "F0");
        }
        if (report.Spawns.TryGetValue(Ours, out var so) && report.Spawns.TryGetValue(Ref, out var sr))
        {
            Row(sb, "programs executed per ADD (execve)", so.AddExecs, sr.AddExecs, "0.#");
            Row(sb, "processes per ADD (incl. subshells)", so.AddProcesses, sr.AddProcesses, "0.#");
            Row(sb, "programs executed per DEL (execve)", so.DelExecs, sr.DelExecs, "0.#");
            Row(sb, "processes per DEL (incl. subshells)", so.DelProcesses, sr.DelProcesses, "0.#");
        }
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, string label, double ours, double reference, string format)
    {
        var ratio = ours / reference;
        sb.AppendLine($"| {label} | {Num(ours, format)} | {Num(reference, format)} | {(double.IsFinite(ratio) ? Inv($"{ratio:F2}×") : "–")} |");
    }

    private static string Num(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static IEnumerable<string> Problems(BenchReport report)
    {
        foreach (var s in report.Scenarios)
            foreach (var (key, r) in s.Results)
            {
                if (r.Add.Failures + r.Del.Failures > 0)
                    yield return Inv($"{key}, {s.Title}: {r.Add.Failures} ADD and {r.Del.Failures} DEL failures; first: {r.FirstError}");
                if (r.LeftoverReservations != 0)
                    yield return Inv($"{key}, {s.Title}: {r.LeftoverReservations} reservations left after every DEL");
            }
        foreach (var (key, p) in report.Parallel)
            if (p.Failures + p.DelFailures > 0 || p.LeftoverReservations != 0)
                yield return Inv($"{key}, parallel: {p.Failures} ADD / {p.DelFailures} DEL failures, {p.LeftoverReservations} reservations left; first: {p.FirstError}");
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
