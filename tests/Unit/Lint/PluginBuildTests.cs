using System.Text.RegularExpressions;
using BashCni.Harness;
using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Lint;

/// <summary>
/// The plugin runs from a layout that <c>src/Plugin/build-layout.sh DIR</c> builds from <c>src/Plugin/source/</c>
/// (<c>bash-cni</c>, <c>bash-cni-ipam</c>, <c>lib/*.sh</c>, and <c>install.sh</c> beside them). The layout is a build
/// output: the repository holds the source only. These tests build it into a temporary directory and check what the
/// build promises: nothing generated is committed, every generated file says so, every generated function names
/// where it is written in <c>source/</c>, and a source whose annotations cannot give a working layout is refused.
/// </summary>
[Category("Unit")]
[Feature("Script quality")]
public sealed partial class PluginBuildTests
{
    private DirectoryInfo _temp = null!;

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("bashcni-layout-");

    [TearDown]
    public void TearDown() => _temp.Delete(recursive: true);

    private static string SourceDir => RepoPaths.PluginSource;

    [GeneratedRegex(@"^([a-z_][a-z0-9_]*)\(\) \{ # (source/[a-z0-9/-]+\.sh):(\d+)$", RegexOptions.Multiline)]
    private static partial Regex MarkedDefinition();

    [GeneratedRegex(@"^([a-z_][a-z0-9_]*)\(\) \{", RegexOptions.Multiline)]
    private static partial Regex AnyDefinition();

    /// <summary>The files of a layout in <paramref name="dir"/>: the two entry scripts and lib/*.sh, by relative path.</summary>
    internal static SortedDictionary<string, string> LayoutFiles(string dir)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in new[] { "bash-cni", "bash-cni-ipam" })
            if (File.Exists(Path.Combine(dir, entry))) files[entry] = File.ReadAllText(Path.Combine(dir, entry));
        foreach (var lib in Directory.EnumerateFiles(Path.Combine(dir, "lib"), "*.sh"))
            files["lib/" + Path.GetFileName(lib)] = File.ReadAllText(lib);
        return files;
    }

    private static async Task<CommandResult> BuildAsync(string script, params string[] args) =>
        await Evidence.StepAsync($"build-layout.sh {string.Join(' ', args)}", () =>
            LocalRunner.Instance.RunAsync("bash", [script, .. args]));

    /// <summary>Builds the layout of src/Plugin into a fresh directory and returns its files.</summary>
    internal static async Task<SortedDictionary<string, string>> BuildLayoutAsync(string outDir)
    {
        var result = await BuildAsync(Path.Combine(SourceDir, "build-layout.sh"), outDir);
        Assert.That(result.ExitCode, Is.Zero, $"build-layout.sh failed:\n{result.Stderr}");
        return LayoutFiles(outDir);
    }

    [Test]
    public async Task TheRepositoryHoldsNoGeneratedFile()
    {
        var r = await LocalRunner.Instance.RunCheckedAsync("git", ["-C", RepoPaths.Root, "ls-files", "--", "src/Plugin"]);
        var tracked = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Evidence.Attach("git ls-files src/Plugin", r.Stdout);
        Assert.That(tracked, Has.Some.StartsWith("src/Plugin/source/"), "the plugin's source is tracked");
        Assert.That(tracked.Where(f => f.StartsWith("src/Plugin/lib/", StringComparison.Ordinal) || f is "src/Plugin/bash-cni" or "src/Plugin/bash-cni-ipam"),
            Is.Empty, "the layout is a build output (build-layout.sh DIR), not committed");
        var r2 = await BuildAsync(Path.Combine(SourceDir, "build-layout.sh"), SourceDir);
        Assert.That(r2.ExitCode, Is.EqualTo(2), "build-layout.sh must refuse to write into the repository's source");
        Assert.That(r2.Stderr, Does.Contain("the layout goes elsewhere"));
    }

    [Test]
    public async Task TheBuildIsReproducibleAndEveryGeneratedFileSaysItIsGenerated()
    {
        var first = await BuildLayoutAsync(Path.Combine(_temp.FullName, "a"));
        var second = await BuildLayoutAsync(Path.Combine(_temp.FullName, "b"));
        Assert.That(first.Keys, Does.Contain("lib/start.sh").And.Contain("bash-cni").And.Contain("bash-cni-ipam"));
        Assert.That(second, Is.EqualTo(first), "two builds of the same source differ");
        Assert.That(File.Exists(Path.Combine(_temp.FullName, "a", "install.sh")), Is.True, "install.sh goes beside the layout it installs");
        var unmarked = first.Where(f => !f.Value.Split('\n').Take(4).Any(l => l.Contains("generated from source/ by build-layout.sh — do not edit", StringComparison.Ordinal)))
            .Select(f => f.Key).ToList();
        Assert.That(unmarked, Is.Empty, "generated files without the header");
    }

    [Test]
    public async Task EveryGeneratedFunctionNamesTheLineOfSourceItIsWrittenAt()
    {
        var files = await BuildLayoutAsync(Path.Combine(_temp.FullName, "made"));
        var problems = new List<string>();
        var marked = 0;
        foreach (var (name, text) in files)
        {
            var markers = MarkedDefinition().Matches(text).ToDictionary(m => m.Index, m => m);
            foreach (Match def in AnyDefinition().Matches(text))
            {
                var line = text[def.Index..text.IndexOf('\n', def.Index)];
                if (line.Contains("cni_lazy", StringComparison.Ordinal)) continue; // a one-line stub, not a definition
                if (!markers.TryGetValue(def.Index, out var m)) { problems.Add($"{name}: {line} has no source/FILE:LINE marker"); continue; }
                marked++;
                var sourceLines = File.ReadAllLines(Path.Combine(SourceDir, m.Groups[2].Value));
                var at = int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (at < 1 || at > sourceLines.Length || sourceLines[at - 1] != $"{m.Groups[1].Value}() {{")
                    problems.Add($"{name}: {m.Groups[1].Value}() says {m.Groups[2].Value}:{at}, which is not its definition");
            }
        }
        Evidence.Attach("markers", $"{marked} definitions checked\n" + string.Join('\n', problems));
        Assert.That(marked, Is.GreaterThan(100), "the plugin is expected to define its functions in the layout");
        Assert.That(problems, Is.Empty);
    }

    /// <summary>A copy of the plugin's source and build script in the temporary directory (nothing else).</summary>
    private async Task<string> CopySourceAsync()
    {
        var copy = Path.Combine(_temp.FullName, "plugin");
        Directory.CreateDirectory(copy);
        await LocalRunner.Instance.RunCheckedAsync("cp", ["-R", "--", Path.Combine(SourceDir, "source"), Path.Combine(SourceDir, "build-layout.sh"),
            Path.Combine(SourceDir, "install.sh"), copy]);
        return copy;
    }

    [TestCase("cni_valid_id() {", "source/ipv4.sh", "is defined a second time")]
    [TestCase("cni_source no-such-file", "source/cmd/add.sh", "lib/no-such-file.sh is not a file read on first use")]
    [TestCase("# layout: ipam-add < link", "source/ipv4.sh", "lib/ipam-add.sh is declared lazy with stubs in lib/link.sh here")]
    [TestCase("# layout: ipv4 < nowhere", "source/ipv4.sh", "lib/ipv4.sh is declared lazy")]
    public async Task TheBuildRefusesAnnotationsThatCannotGiveAWorkingLayout(string added, string file, string expected)
    {
        var copy = await CopySourceAsync();
        var text = added.EndsWith('{') ? added + "\n    :\n}\n" : added + "\n";
        await File.AppendAllTextAsync(Path.Combine(copy, file), (added.StartsWith("cni_source", StringComparison.Ordinal) ? "# layout: add < bash-cni\n" : "") + text);
        var result = await BuildAsync(Path.Combine(copy, "build-layout.sh"), Path.Combine(_temp.FullName, "out"));
        Evidence.Attach("build of a broken source", result.ToString());
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain(expected));
    }
}
