using BashCni.Harness.Layers;
using BashCni.Harness;
using BashCni.Harness.Sandbox;

namespace BashCni.Tests.Netns.SelfTest;

/// <summary>
/// The broken variants of fixtures/plugins/broken, generated from the plugin under test by make-broken.sh into a
/// temporary directory (so they follow the plugin as it changes) and removed afterwards.
/// </summary>
public sealed class BrokenVariants : IAsyncDisposable
{
    private BrokenVariants(string root) => Root = root;

    public string Root { get; }

    // Minutes, not seconds: reading the headers of every variant file can take half a minute on a loaded machine
    // (a guard against a hung script, not a bound on its speed).
    private static readonly CommandOptions ReadTimeout = new() { Timeout = TimeSpan.FromMinutes(10) };

    public static string Script => RepoPaths.Fixture("plugins", "broken", "make-broken.sh");

    public static async Task<IReadOnlyList<string>> NamesAsync()
    {
        var r = await LocalRunner.Instance.RunCheckedAsync("bash", [Script, "--list"], ReadTimeout).ConfigureAwait(false);
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>The variant files (fixtures/plugins/broken/variants/NAME.sh): the names, for test case sources.</summary>
    public static IReadOnlyList<string> FileNames =>
        Directory.GetFiles(RepoPaths.Fixture("plugins", "broken", "variants"), "*.sh")
            .Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToList();

    /// <summary>The check each variant file names (its <c># check: </c> header line), read without running the script:
    /// for test case sources, which are built before any fixture runs.</summary>
    public static IReadOnlyDictionary<string, string> FileChecks =>
        FileNames.ToDictionary(name => name, name => File.ReadLines(RepoPaths.Fixture("plugins", "broken", "variants", name + ".sh"))
            .FirstOrDefault(l => l.StartsWith("# check: ", StringComparison.Ordinal))?["# check: ".Length..] ?? "", StringComparer.Ordinal);

    /// <summary>The variants a quick run proves its checks with: one per check family (<see cref="Catcher.Family"/>), the
    /// first by name; a check no catcher runs is a family of its own (EveryVariantOfTheGeneratorHasACatcher fails for it).</summary>
    public static IReadOnlySet<string> QuickNames =>
        QuickRun.Representatives(FileChecks.Select(kv => (kv.Key, Catchers.All.TryGetValue(kv.Value, out var c) ? c.Family : kv.Value)));

    /// <summary>Every variant with the check it must trip and the problem it must cause (<c>make-broken.sh --table</c>).</summary>
    public static async Task<IReadOnlyList<BrokenVariant>> CatalogAsync()
    {
        var r = await LocalRunner.Instance.RunCheckedAsync("bash", [Script, "--table"], ReadTimeout).ConfigureAwait(false);
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(BrokenVariant.Parse).ToList();
    }

    /// <summary>Writes every variant of <paramref name="sourcePluginDir"/> (or those named in <paramref name="only"/>); throws with the script's message when a patch no longer applies.</summary>
    public static async Task<BrokenVariants> GenerateAsync(string sourcePluginDir, IReadOnlyCollection<string>? only = null)
    {
        var root = Directory.CreateTempSubdirectory("bashcni-broken-").FullName;
        var variants = new BrokenVariants(root);
        // Minutes, not seconds: each variant is built from its patched source (about 1.5 s of CPU each), and on a loaded
        // machine (load average near 100 on 2 cores was seen) the whole set took more than 10 minutes: a guard, not a bound.
        var r = await LocalRunner.Instance.RunAsync("bash", [Script, sourcePluginDir, root, .. only ?? []], new CommandOptions { Timeout = TimeSpan.FromMinutes(40) })
            .ConfigureAwait(false);
        if (!r.Succeeded)
        {
            await variants.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"make-broken.sh could not generate the variants from {sourcePluginDir}:\n{r.Stderr}");
        }
        return variants;
    }

    public string DirOf(string variant) => Path.Combine(Root, variant);

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        return ValueTask.CompletedTask;
    }
}
