namespace BashCni.Harness.Verdict;

/// <summary>
/// The rules that decide the run: red when a test failed, a layer is red (see <see cref="LayerRules"/>), the browser
/// check failed, or — under CI=true — a layer or the browser check that should have run did not.
/// </summary>
public static class RunRules
{
    public static RunVerdict Judge(IReadOnlyList<LayerVerdict> layers, BrowserCheck browser, bool ci)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(browser);
        var why = new List<string>();
        foreach (var layer in layers)
        {
            if (!layer.WasRun)
            {
                if (ci) why.Add($"{layer.Layer} was not run (CI=true)");
                continue;
            }
            if (layer.Failed > 0) why.Add($"{layer.Layer}: {layer.Failed} failed");
            else if (layer.Red) why.Add($"{layer.Layer}: {layer.Summary}");
        }
        switch (browser.State)
        {
            case BrowserCheckState.Failed:
                why.Add($"the report's browser check: {browser.Text}");
                break;
            case BrowserCheckState.NotRun when ci:
                why.Add($"the report's browser check was not run (CI=true): {browser.Text}");
                break;
        }
        return new RunVerdict(layers.Sum(l => l.Passed), layers.Sum(l => l.Failed), layers.Sum(l => l.Skipped), why);
    }
}
