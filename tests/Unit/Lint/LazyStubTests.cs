using System.Text.RegularExpressions;
using BashCni.Harness;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Lint;

/// <summary>
/// The layout built from <c>source/</c> reads rarely needed code only on first use: a one-line stub <c>fn() { cni_lazy FILE fn …; }</c>
/// stands in for a function of <c>lib/FILE.sh</c>. A wrong stub would fail only when that rare path runs (an error,
/// CHECK, GC, …), so the generated layout is checked as bash will see it: every function is defined once, every
/// function of a file read on first use that another file names has exactly one stub, in a file read at start, and
/// every stub and <c>cni_source</c> names a file that defines what it promises.
/// </summary>
[Category("Unit")]
[Feature("Script quality")]
public sealed partial class LazyStubTests
{
    [GeneratedRegex(@"^([a-z_][a-z0-9_]*)\(\) \{ cni_lazy ([a-z0-9-]+) ([a-z_][a-z0-9_]*)\b", RegexOptions.Multiline)]
    private static partial Regex StubPattern();

    [GeneratedRegex(@"^([a-z_][a-z0-9_]*)\(\) \{(?: # source/\S+)?\s*$", RegexOptions.Multiline)]
    private static partial Regex DefinitionPattern();

    [GeneratedRegex(@"^\s*cni_source ([a-z0-9-]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex SourcePattern();

    [GeneratedRegex(@"lib/([a-z0-9-]+)\.sh")]
    private static partial Regex EntrySourcePattern();

    [GeneratedRegex(@"[a-z_][a-z0-9_]*")]
    private static partial Regex WordPattern();

    /// <summary>Problems of the lazy loading in a layout (<see cref="PluginBuildTests.LayoutFiles"/>); also how many stubs were seen.</summary>
    internal static (List<string> Problems, int Stubs) Check(IReadOnlyDictionary<string, string> files)
    {
        var problems = new List<string>();
        var definedIn = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var stubbedIn = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var lazy = new HashSet<string>(StringComparer.Ordinal);
        var atStart = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, text) in files)
        {
            foreach (Match m in DefinitionPattern().Matches(text))
                (definedIn.TryGetValue(m.Groups[1].Value, out var l) ? l : definedIn[m.Groups[1].Value] = []).Add(name);
            foreach (Match m in StubPattern().Matches(text))
            {
                var (fn, lib, target) = (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value);
                (stubbedIn.TryGetValue(fn, out var l) ? l : stubbedIn[fn] = []).Add(name);
                lazy.Add($"lib/{lib}.sh");
                if (fn != target) problems.Add($"{name}: stub {fn}() calls {target} instead of itself");
            }
            foreach (Match m in SourcePattern().Matches(text)) lazy.Add($"lib/{m.Groups[1].Value}.sh");
            if (!name.StartsWith("lib/", StringComparison.Ordinal))
                foreach (Match m in EntrySourcePattern().Matches(text)) atStart.Add($"lib/{m.Groups[1].Value}.sh");
        }
        foreach (var (fn, where) in definedIn.Where(d => d.Value.Count > 1))
            problems.Add($"{fn}() is defined more than once: {string.Join(", ", where)}");
        foreach (var (fn, where) in stubbedIn)
        {
            if (where.Count > 1) problems.Add($"{fn}() has more than one stub: {string.Join(", ", where)}");
            foreach (var host in where.Where(lazy.Contains)) problems.Add($"{host}: stub {fn}() is in a file read on first use");
            foreach (var host in where.Where(h => definedIn.TryGetValue(fn, out var d) && d.Any(x => !lazy.Contains(x))))
                problems.Add($"{host}: stub {fn}() for a function a file read at start defines");
        }
        foreach (var (name, text) in files)
        {
            foreach (Match m in StubPattern().Matches(text))
            {
                var (fn, lib) = (m.Groups[1].Value, $"lib/{m.Groups[2].Value}.sh");
                if (!files.ContainsKey(lib)) problems.Add($"{name}: stub {fn}() loads {lib}, which does not exist");
                else if (!definedIn.TryGetValue(fn, out var d) || !d.Contains(lib)) problems.Add($"{name}: stub {fn}() loads {lib}, which does not define {fn}()");
            }
            foreach (Match m in SourcePattern().Matches(text))
                if (!files.ContainsKey($"lib/{m.Groups[1].Value}.sh"))
                    problems.Add($"{name}: cni_source {m.Groups[1].Value}, but lib/{m.Groups[1].Value}.sh does not exist");
        }
        // A function of a file read on first use that another file names needs its stub.
        foreach (var (fn, where) in definedIn)
        {
            var home = where[0];
            if (!lazy.Contains(home) || stubbedIn.ContainsKey(fn)) continue;
            var users = files.Where(f => f.Key != home && WordPattern().Matches(StubPattern().Replace(f.Value, "")).Any(w => w.Value == fn)).Select(f => f.Key).ToList();
            if (users.Count > 0) problems.Add($"{fn}() of {home} (read on first use) is named in {string.Join(", ", users)} but has no stub");
        }
        foreach (var name in files.Keys.Where(n => n.StartsWith("lib/", StringComparison.Ordinal) && !lazy.Contains(n) && !atStart.Contains(n)))
            problems.Add($"{name} is neither read at start by the entry scripts nor loaded on first use");
        return (problems, stubbedIn.Count);
    }

    private DirectoryInfo _temp = null!;

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("bashcni-lazy-");

    [TearDown]
    public void TearDown() => _temp.Delete(recursive: true);

    /// <summary>The layout built from src/Plugin/source, as the build writes it.</summary>
    private Task<SortedDictionary<string, string>> PluginLayoutAsync() => PluginBuildTests.BuildLayoutAsync(Path.Combine(_temp.FullName, "layout"));

    [Test]
    public async Task EveryFunctionIsDefinedOnceAndEveryLazyOneThatIsCalledFromElsewhereIsStubbedOnce()
    {
        var (problems, stubs) = Check(await PluginLayoutAsync());
        Evidence.Attach("lazy loading", $"{stubs} stubs checked\n" + string.Join('\n', problems));
        Assert.That(stubs, Is.GreaterThan(10), "the plugin is expected to load its rare paths lazily");
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task TheCheckFindsAMissingFunctionADuplicateAMissingStubAndAMissingFile()
    {
        var files = await PluginLayoutAsync();
        const string victim = "lib/ipam-del.sh";
        Assert.That(files[victim], Does.Contain("ipam_release() {"), "the self-check needs ipam_release in " + victim);
        files[victim] = files[victim].Replace("ipam_release() {", "ipam_release_renamed() {", StringComparison.Ordinal);
        files["lib/add.sh"] += "\ncni_source no-such-file\n";
        files["lib/link.sh"] += "\nipv4_mac() {\n    :\n}\n";
        Assert.That(files["lib/ipam.sh"], Does.Contain("ipam_reindex() { cni_lazy ipam-extra ipam_reindex"));
        files["lib/ipam.sh"] = files["lib/ipam.sh"].Replace("ipam_reindex() { cni_lazy ipam-extra ipam_reindex \"$@\"; }", "", StringComparison.Ordinal);
        var (problems, _) = Check(files);
        Evidence.Attach("problems found in the broken copy", string.Join('\n', problems));
        Assert.That(problems, Has.Some.Contains("does not define ipam_release()"));
        Assert.That(problems, Has.Some.Contains("lib/no-such-file.sh does not exist"));
        Assert.That(problems, Has.Some.Contains("ipv4_mac() is defined more than once"));
        Assert.That(problems, Has.Some.Contains("ipam_reindex() of lib/ipam-extra.sh (read on first use) is named in"));
    }
}
