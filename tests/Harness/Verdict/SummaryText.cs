using System.Globalization;

namespace BashCni.Harness.Verdict;

/// <summary>The summary block run-tests.sh prints at the end of a run; its last line is <see cref="RunVerdict.LastLine"/>.</summary>
public static class SummaryText
{
    public static IEnumerable<string> Lines(IReadOnlyList<LayerVerdict> layers, BrowserCheck browser, RunVerdict verdict, string reportPath, int load, bool ci,
        string quick = "")
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(browser);
        ArgumentNullException.ThrowIfNull(verdict);
        yield return "";
        yield return "Summary";
        foreach (var layer in layers)
            yield return string.Format(CultureInfo.InvariantCulture, "  {0,-8} {1}", layer.Layer, layer.Summary);
        if (!string.IsNullOrEmpty(reportPath)) yield return $"  report   {reportPath}";
        if (browser.State != BrowserCheckState.NotWanted || browser.Text.Length > 0)
            yield return $"  browser  {browser.Text}" + (browser.State == BrowserCheckState.NotRun && ci ? "; CI=true: the run fails" : "");
        if (load > 0) yield return $"  load     {load} CPU-bound hog processes ran beside the layers";
        // ./run-tests.sh --quick: how many of the layers' tests ran ("N of M tests").
        if (!string.IsNullOrEmpty(quick)) yield return $"  quick: {quick}";
        var skips = layers.SelectMany(l => l.SkipLines).ToList();
        if (skips.Count > 0)
        {
            yield return $"Skipped ({skips.Count}):";
            foreach (var s in skips) yield return "  " + s;
        }
        var notRun = layers.Where(l => !l.WasRun).Select(l => l.Layer).ToList();
        if (notRun.Count > 0)
            yield return $"Not run ({notRun.Count}): {string.Join(' ', notRun)} — they need root" + (ci ? "; CI=true: the run fails" : "");
        yield return verdict.LastLine;
    }
}
