using BashCni.Harness.Cost;
using BashCni.Harness.Verdict;
using BashCni.Verdict;

// The run's verdict for run-tests.sh, which only runs the layers and prints what this says:
//   layer   --out DIR --layer L [--key K] --category C --trx-dir D --rc N --final-rc N --allure DIR --skips FILE --target T
//           [--cluster-target T] [--profile P]
//           judges one run layer (recorded as K, e.g. cluster@local-api or netns@ptp; its results only those labelled
//           with the cluster target or the netns profile when one is given), records its verdict in DIR, prints the layer's summary text
//   not-run --out DIR --layer L --reason TEXT     records a layer that was not run
//   bench   --out DIR --rc N [--layer L] [--text T]  records a console layer's outcome (bench, mutate)
//   cost    --out DIR --key K --trx-dir D --wall S --cpu S --processes N
//           records what layer K cost: its wall and CPU seconds, processes started, its tests' times from D's TRX files
//   costs   --out DIR --layers "K ..." --md FILE --title T
//           prints each layer's cost and its 10 most expensive tests; writes the same as Markdown to FILE
//   summary --out DIR --layers "L ..." --browser STATE --browser-text TEXT [--report PATH] [--load N]
//           prints the summary block and the last line "N passed, N failed, N skipped"; exits 1 when the run is red
// CI=true (or 1) in the environment: not-run layers, a browser check not run and unexpected skips are red.
var ci = Environment.GetEnvironmentVariable("CI") is "true" or "1";
try
{
    if (args.Length == 0) throw new ArgumentException("a command is needed: layer, not-run, bench or summary");
    var o = new Options(args.Skip(1));
    switch (args[0])
    {
        case "layer":
        {
            var layer = o["layer"];
            var trxDir = o["trx-dir"];
            var facts = new LayerFacts(o.Or("key", layer),
                new LayerRun($"{layer}.trx", TrxCounts.Read(Path.Combine(trxDir, $"{layer}.trx")), o.Int("rc")),
                new LayerRun($"{layer}-final.trx", TrxCounts.Read(Path.Combine(trxDir, $"{layer}-final.trx")), o.Int("final-rc")),
                AllureLayerResults.Read(o["allure"], o["category"], o.Or("cluster-target", ""), o.Or("profile", "")), o["target"], ci);
            var verdict = LayerRules.Judge(facts, ExpectedSkips.Read(o["skips"]));
            LayerStore.Save(o["out"], verdict);
            Console.WriteLine(verdict.Summary);
            return 0;
        }
        case "not-run":
        {
            var verdict = LayerRules.NotRun(o["layer"], o["reason"], ci);
            LayerStore.Save(o["out"], verdict);
            Console.WriteLine(verdict.Summary);
            return 0;
        }
        case "bench":
        {
            var verdict = LayerRules.Bench(o.Int("rc"), o.Or("layer", "bench"), o.Or("text", ""));
            LayerStore.Save(o["out"], verdict);
            Console.WriteLine(verdict.Summary);
            return 0;
        }
        case "cost":
        {
            var trx = Directory.Exists(o["trx-dir"]) ? Directory.GetFiles(o["trx-dir"], "*.trx").Order(StringComparer.Ordinal) : Enumerable.Empty<string>();
            var cost = new LayerCost(o["key"], o.Double("wall"), o.Double("cpu"), o.Int("processes"), trx.SelectMany(TrxDurations.Read).ToList());
            CostStore.Save(o["out"], cost);
            return 0;
        }
        case "costs":
        {
            var costs = CostStore.Load(o["out"], o["layers"].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            foreach (var line in CostText.Lines(costs)) Console.WriteLine(line);
            File.WriteAllText(o["md"], CostText.Markdown(costs, o["title"]));
            return 0;
        }
        case "summary":
        {
            var layers = LayerStore.Load(o["out"], o["layers"].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            var state = o["browser"] switch
            {
                "not-wanted" => BrowserCheckState.NotWanted,
                "passed" => BrowserCheckState.Passed,
                "failed" => BrowserCheckState.Failed,
                "not-run" => BrowserCheckState.NotRun,
                var s => throw new ArgumentException($"--browser must be not-wanted, passed, failed or not-run (got '{s}')"),
            };
            var browser = new BrowserCheck(state, o.Or("browser-text", ""));
            var verdict = RunRules.Judge(layers, browser, ci);
            foreach (var line in SummaryText.Lines(layers, browser, verdict, o.Or("report", ""), int.Parse(o.Or("load", "0"), System.Globalization.CultureInfo.InvariantCulture), ci))
                Console.WriteLine(line);
            return verdict.Red ? 1 : 0;
        }
        default:
            throw new ArgumentException($"unknown command '{args[0]}'");
    }
}
catch (Exception e) when (e is ArgumentException or IOException or System.Text.Json.JsonException or System.Xml.XmlException or InvalidOperationException)
{
    Console.Error.WriteLine($"verdict: {e.Message}");
    return 2;
}
