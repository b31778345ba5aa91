using BashCni.Harness;
using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Lint;

/// <summary>
/// The plugin runs from a layout that <c>src/Plugin/build-layout.sh</c> writes from <c>src/Plugin/source/</c>
/// (<c>bash-cni</c>, <c>bash-cni-ipam</c>, <c>lib/*.sh</c>); the layout is committed, so an installation needs no
/// build step. These tests keep the committed layout equal to what the script makes, and check that the script
/// refuses a source whose annotations cannot give a working layout.
/// </summary>
[Category("Unit")]
[Feature("Script quality")]
public sealed class PluginLayoutTests
{
    private const string Regenerate = "regenerate with src/Plugin/build-layout.sh (and commit source/ with lib/)";
    private DirectoryInfo _temp = null!;

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("bashcni-layout-");

    [TearDown]
    public void TearDown() => _temp.Delete(recursive: true);

    private static string PluginDir => Path.Combine(RepoPaths.Root, "src", "Plugin");

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

    /// <summary>The files in which <paramref name="actual"/> is not <paramref name="expected"/> (changed, missing, extra).</summary>
    internal static List<string> Differences(IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> actual)
    {
        var problems = new List<string>();
        foreach (var (name, text) in expected)
        {
            if (!actual.TryGetValue(name, out var have)) problems.Add($"src/Plugin/{name} is missing");
            else if (have != text) problems.Add($"src/Plugin/{name} is not what build-layout.sh makes from source/");
        }
        foreach (var name in actual.Keys.Where(n => !expected.ContainsKey(n)))
            problems.Add($"src/Plugin/{name} is not made from source/");
        return problems;
    }

    private async Task<CommandResult> BuildAsync(string script, params string[] args) =>
        await Evidence.StepAsync($"build-layout.sh {string.Join(' ', args)}", () =>
            LocalRunner.Instance.RunAsync("bash", [script, .. args]));

    [Test]
    public async Task TheCommittedLayoutIsWhatBuildLayoutMakesFromTheSource()
    {
        var made = Path.Combine(_temp.FullName, "made");
        var result = await BuildAsync(Path.Combine(PluginDir, "build-layout.sh"), "--out", made);
        Assert.That(result.ExitCode, Is.Zero, $"build-layout.sh failed:\n{result.Stderr}");
        var problems = Differences(LayoutFiles(made), LayoutFiles(PluginDir));
        Evidence.Attach("layout differences", string.Join('\n', problems));
        Assert.That(problems, Is.Empty, $"the committed layout differs from source/: {Regenerate}");
    }

    [Test]
    public async Task EveryGeneratedFileSaysItIsGenerated()
    {
        var files = LayoutFiles(PluginDir);
        Assert.That(files.Keys, Does.Contain("lib/start.sh").And.Contain("bash-cni"));
        var unmarked = files.Where(f => !f.Value.Split('\n').Take(4).Any(l => l.Contains("generated from source/ by build-layout.sh — do not edit", StringComparison.Ordinal)))
            .Select(f => f.Key).ToList();
        Assert.That(unmarked, Is.Empty, "generated files without the header");
        await Task.CompletedTask;
    }

    /// <summary>A copy of the plugin's source and build script in the temporary directory (nothing else).</summary>
    private async Task<string> CopyPluginAsync()
    {
        var copy = Path.Combine(_temp.FullName, "plugin");
        Directory.CreateDirectory(copy);
        await LocalRunner.Instance.RunCheckedAsync("cp", ["-R", "--", Path.Combine(PluginDir, "source"), Path.Combine(PluginDir, "lib"),
            Path.Combine(PluginDir, "bash-cni"), Path.Combine(PluginDir, "bash-cni-ipam"), Path.Combine(PluginDir, "build-layout.sh"), copy]);
        return copy;
    }

    [Test]
    public async Task TheCheckNamesTheGeneratedFileThatWasEditedAndSaysHowToRegenerate()
    {
        var copy = await CopyPluginAsync();
        var victim = Path.Combine(copy, "lib", "ipam.sh");
        await File.AppendAllTextAsync(victim, "# edited by hand\n");
        var result = await BuildAsync(Path.Combine(copy, "build-layout.sh"), "--check");
        Evidence.Attach("--check on an edited copy", result.ToString());
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Stderr, Does.Contain("src/Plugin/lib/ipam.sh is not what build-layout.sh makes").And.Contain("regenerate with src/Plugin/build-layout.sh"));
        Assert.That(result.Stderr, Does.Not.Contain("lib/start.sh"), "only the edited file is named");
    }

    [TestCase("cni_valid_id() {", "source/ipv4.sh", "is defined a second time")]
    [TestCase("cni_source no-such-file", "source/cmd/add.sh", "lib/no-such-file.sh is not a file read on first use")]
    [TestCase("# layout: ipam-add < link", "source/ipv4.sh", "lib/ipam-add.sh is declared lazy with stubs in lib/link.sh here")]
    [TestCase("# layout: ipv4 < nowhere", "source/ipv4.sh", "lib/ipv4.sh is declared lazy")]
    public async Task TheBuildRefusesAnnotationsThatCannotGiveAWorkingLayout(string added, string file, string expected)
    {
        var copy = await CopyPluginAsync();
        var text = added.EndsWith('{') ? added + "\n    :\n}\n" : added + "\n";
        await File.AppendAllTextAsync(Path.Combine(copy, file), (added.StartsWith("cni_source", StringComparison.Ordinal) ? "# layout: add < bash-cni\n" : "") + text);
        var result = await BuildAsync(Path.Combine(copy, "build-layout.sh"), "--out", Path.Combine(_temp.FullName, "out"));
        Evidence.Attach("build of a broken source", result.ToString());
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain(expected));
    }
}
