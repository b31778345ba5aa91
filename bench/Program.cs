using BashCni.Bench;
using BashCni.Harness.Sandbox;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"bench: {e.Message}\n\n{BenchOptions.Usage}");
    return 2;
}
if (options.ShowHelp)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var before = options.CompareWith is null ? null : await BenchJson.LoadAsync(options.CompareWith, cancel.Token);
if (options.RenderOnly is not null)
{
    var saved = await BenchJson.LoadAsync(options.RenderOnly, cancel.Token);
    Console.WriteLine(MarkdownReport.Render(saved));
    if (before is not null) Console.WriteLine(BeforeAfterTable.Render(before, saved));
    Directory.CreateDirectory(options.OutputDir);
    var redrawn = Path.Combine(options.OutputDir, "latency.png");
    LatencyPlot.Save(saved, redrawn);
    Console.WriteLine("written: " + redrawn);
    return 0;
}

if (SandboxHost.UnavailableReason is { } why)
{
    Console.Error.WriteLine($"bench: {why}");
    return 1;
}
foreach (var required in new[] { Path.Combine(options.PluginDir, "bash-cni"), Path.Combine(options.ReferenceDir, "bridge"), Path.Combine(options.ReferenceDir, "host-local") })
{
    if (!File.Exists(required))
    {
        Console.Error.WriteLine($"bench: {required} is missing (set --plugin-dir / --ref-dir; the reference comes from Debian's containernetworking-plugins)");
        return 1;
    }
}
if (options.SpawnRuns > 0 && !File.Exists("/usr/bin/strace"))
{
    Console.Error.WriteLine("bench: strace is not installed (apt-get install strace), or pass --spawn-runs 0");
    return 1;
}

BenchReport report;
try
{
    report = await new BenchRunner(options, Console.Out).RunAsync(cancel.Token);
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("bench: interrupted; the sandbox and everything in it are gone");
    return 130;
}
var markdown = MarkdownReport.Render(report);
if (before is not null) markdown += "\n" + BeforeAfterTable.Render(before, report);
Console.WriteLine();
Console.WriteLine(markdown);

Directory.CreateDirectory(options.OutputDir);
var json = BenchJson.Serialize(report);
var outputs = new List<string>();
foreach (var name in new[] { "latest", options.Label }.OfType<string>())
{
    var jsonPath = Path.Combine(options.OutputDir, name + ".json");
    var mdPath = Path.Combine(options.OutputDir, name + ".md");
    await File.WriteAllTextAsync(jsonPath, json + "\n", cancel.Token);
    await File.WriteAllTextAsync(mdPath, markdown, cancel.Token);
    outputs.Add(jsonPath);
    outputs.Add(mdPath);
}
var pngPath = Path.Combine(options.OutputDir, "latency.png");
LatencyPlot.Save(report, pngPath);
outputs.Add(pngPath);
Console.WriteLine("written: " + string.Join(", ", outputs));
return 0;
