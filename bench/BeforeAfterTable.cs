using System.Globalization;
using System.Text;

namespace BashCni.Bench;

/// <summary>bash-cni's key numbers in two reports (e.g. before and after a change), each with its ratio to the reference of the same run.</summary>
public static class BeforeAfterTable
{
    public static string Render(BenchReport before, BenchReport after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var sb = new StringBuilder();
        sb.AppendLine(Inv($"bash-cni before ({before.Date:yyyy-MM-dd HH:mm} UTC, {before.Machine.OursRevision}) and after ({after.Date:yyyy-MM-dd HH:mm} UTC, {after.Machine.OursRevision}); ratios are to the reference measured in the same run."));
        sb.AppendLine();
        sb.AppendLine("| metric | before | after | before / reference | after / reference |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (label, pick) in Metrics(before))
        {
            var (b, bRef) = pick(before);
            var (a, aRef) = pick(after);
            sb.AppendLine($"| {label} | {Num(b)} | {Num(a)} | {Ratio(b, bRef)} | {Ratio(a, aRef)} |");
        }
        return sb.ToString();
    }

    private static IEnumerable<(string Label, Func<BenchReport, (double Ours, double Ref)> Pick)> Metrics(BenchReport shape)
    {
        const string ours = Contender.OursKey;
        const string reference = Contender.ReferenceKey;
        (double, double) Scenario(BenchReport r, string key, Func<ContenderReport, double> f) =>
            r.Scenarios.FirstOrDefault(s => s.Key == key) is { } s ? (f(s.Results[ours]), f(s.Results[reference])) : (double.NaN, double.NaN);

        yield return ("ADD p50 (ms), empty /24", r => Scenario(r, "empty-24", x => x.Add.P50));
        yield return ("ADD p95 (ms), empty /24", r => Scenario(r, "empty-24", x => x.Add.P95));
        yield return ("ADD CPU time p50 (ms), empty /24", r => Scenario(r, "empty-24", x => x.AddCpu?.P50 ?? double.NaN));
        yield return ("DEL p50 (ms), empty /24", r => Scenario(r, "empty-24", x => x.Del.P50));
        yield return ("DEL CPU time p50 (ms), empty /24", r => Scenario(r, "empty-24", x => x.DelCpu?.P50 ?? double.NaN));
        yield return ("DEL p95 (ms), empty /24", r => Scenario(r, "empty-24", x => x.Del.P95));
        foreach (var s in shape.Scenarios.Where(s => s.Key != "empty-24"))
        {
            var key = s.Key;
            yield return ($"ADD p50 (ms), {s.Title}", r => Scenario(r, key, x => x.Add.P50));
        }
        yield return ("parallel ADDs: span (ms)", r => Pair(r.Parallel, p => p.SpanMs));
        yield return ("processes per ADD", r => Pair(r.Spawns, p => p.AddProcesses));
        yield return ("processes per DEL", r => Pair(r.Spawns, p => p.DelProcesses));
    }

    private static (double, double) Pair<T>(IReadOnlyDictionary<string, T> map, Func<T, double> f) =>
        map.TryGetValue(Contender.OursKey, out var o) && map.TryGetValue(Contender.ReferenceKey, out var r) ? (f(o), f(r)) : (double.NaN, double.NaN);

    private static string Num(double v) => double.IsFinite(v) ? v.ToString("0.#", CultureInfo.InvariantCulture) : "–";

    private static string Ratio(double v, double basis) => double.IsFinite(v / basis) ? Inv($"{v / basis:F2}×") : "–";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
