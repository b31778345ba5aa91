using System.Text.RegularExpressions;
using BashCni.Harness;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Lint;

/// <summary>
/// The plugin reads rarely needed code only on first use: a one-line stub <c>fn() { cni_lazy FILE fn …; }</c> stands in
/// for a function of <c>lib/FILE.sh</c>. A stub whose file does not define the function would fail only when that
/// rare path runs (an error, CHECK, GC, …), so every stub and every <c>cni_source</c> is checked here.
/// </summary>
[Category("Unit")]
[Feature("Script quality")]
public sealed partial class LazyLoadTests
{
    [GeneratedRegex(@"^([a-z_][a-z0-9_]*)\(\) \{ cni_lazy ([a-z0-9-]+) ([a-z_][a-z0-9_]*)\b", RegexOptions.Multiline)]
    private static partial Regex StubPattern();

    [GeneratedRegex(@"^\s*cni_source ([a-z0-9-]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex SourcePattern();

    /// <summary>The plugin's scripts: the two plugins and lib/*.sh, by path relative to src/Plugin.</summary>
    private static Dictionary<string, string> PluginFiles()
    {
        var dir = Path.Combine(RepoPaths.Root, "src", "Plugin");
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["bash-cni"] = File.ReadAllText(Path.Combine(dir, "bash-cni")),
            ["bash-cni-ipam"] = File.ReadAllText(Path.Combine(dir, "bash-cni-ipam")),
        };
        foreach (var lib in Directory.EnumerateFiles(Path.Combine(dir, "lib"), "*.sh"))
            files["lib/" + Path.GetFileName(lib)] = File.ReadAllText(lib);
        return files;
    }

    /// <summary>Problems of the lazy loading in <paramref name="files"/>; also returns how many stubs were seen.</summary>
    internal static (List<string> Problems, int Stubs) Check(IReadOnlyDictionary<string, string> files)
    {
        var problems = new List<string>();
        var stubs = 0;
        foreach (var (name, text) in files)
        {
            foreach (Match m in StubPattern().Matches(text))
            {
                stubs++;
                var (fn, lib, target) = (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value);
                if (fn != target) problems.Add($"{name}: stub {fn}() calls {target} instead of itself");
                if (!files.TryGetValue($"lib/{lib}.sh", out var libText))
                    problems.Add($"{name}: stub {fn}() loads lib/{lib}.sh, which does not exist");
                else if (!Regex.IsMatch(libText, $@"^{Regex.Escape(target)}\(\) \{{\s*$", RegexOptions.Multiline))
                    problems.Add($"{name}: stub {fn}() loads lib/{lib}.sh, which does not define {target}()");
            }
            foreach (Match m in SourcePattern().Matches(text))
                if (!files.ContainsKey($"lib/{m.Groups[1].Value}.sh"))
                    problems.Add($"{name}: cni_source {m.Groups[1].Value}, but lib/{m.Groups[1].Value}.sh does not exist");
        }
        return (problems, stubs);
    }

    [Test]
    public void EveryStubLoadsAFileThatDefinesItsFunction()
    {
        var (problems, stubs) = Check(PluginFiles());
        Evidence.Attach("lazy loading", $"{stubs} stubs checked\n" + string.Join('\n', problems));
        Assert.That(stubs, Is.GreaterThan(10), "the plugin is expected to load its rare paths lazily");
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void TheCheckFindsAStubWhoseFunctionIsMissing()
    {
        var files = PluginFiles();
        const string victim = "lib/ipam-del.sh";
        Assert.That(files[victim], Does.Contain("ipam_release() {"), "the self-check needs ipam_release in " + victim);
        files[victim] = files[victim].Replace("ipam_release() {", "ipam_release_renamed() {", StringComparison.Ordinal);
        files["lib/add.sh"] += "\ncni_source no-such-file\n";
        var (problems, _) = Check(files);
        Evidence.Attach("problems found in the broken copy", string.Join('\n', problems));
        Assert.That(problems, Has.Some.Contains("does not define ipam_release()"));
        Assert.That(problems, Has.Some.Contains("lib/no-such-file.sh does not exist"));
    }
}
