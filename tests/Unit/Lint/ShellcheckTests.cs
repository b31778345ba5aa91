using BashCni.Harness;
using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Lint;

/// <summary>Every bash script of the project (the plugin's source, its build and install scripts, the entry points) is shellcheck-clean at warning level.</summary>
[Category("Unit")]
[Feature("Script quality")]
public sealed class ShellcheckTests
{
    private static readonly string[] SkippedDirectories = [".git", "node_modules", "artifacts", "bin", "obj", "allure-results", "allure-report", ".terraform", "fixtures"];

    /// <summary>Files under src/Plugin with a bash shebang, plus run-tests.sh, .ci/run and every *.sh outside the test data.</summary>
    public static IReadOnlyList<string> Scripts()
    {
        var root = RepoPaths.Root;
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var plugin = Path.Combine(root, "src", "Plugin");
        if (Directory.Exists(plugin))
            foreach (var file in Walk(plugin).Where(HasBashShebang)) found.Add(Path.GetRelativePath(root, file));
        foreach (var file in Walk(root).Where(f => f.EndsWith(".sh", StringComparison.Ordinal))) found.Add(Path.GetRelativePath(root, file));
        foreach (var entry in new[] { "run-tests.sh", Path.Combine(".ci", "run") })
            if (File.Exists(Path.Combine(root, entry))) found.Add(entry);
        return [.. found];
    }

    [Test]
    public void ThePluginsScriptsAreAmongTheCheckedOnes()
    {
        var scripts = Scripts();
        Evidence.Attach("scripts checked", string.Join('\n', scripts));
        // The plugin's source, its build script and its installer (the layout built from the source is a build output;
        // PluginBuildTests and LazyStubTests check what the build makes of it).
        var plugin = RepoPaths.PluginSource;
        var expected = new[] { "source", Path.Combine("source", "cmd") }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(plugin, d), "*.sh"))
            .Append(Path.Combine(plugin, "build-layout.sh"))
            .Append(Path.Combine(plugin, "install.sh"))
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f)).ToList();
        Assert.That(expected, Has.Count.GreaterThan(15), "source/ and source/cmd/ are expected to hold the plugin");
        Assert.That(scripts, Is.SupersetOf(expected), "shellcheck must cover source/, build-layout.sh and install.sh");
    }

    [TestCaseSource(nameof(Scripts))]
    public async Task ScriptHasNoShellcheckWarnings(string script)
    {
        var path = Path.Combine(RepoPaths.Root, script);
        if (FindOnPath("shellcheck") is null)
            Assert.Fail("shellcheck is not installed: apt-get install shellcheck (./run-tests.sh installs it)");
        var result = await Evidence.StepAsync($"shellcheck -S warning {script}", () =>
            LocalRunner.Instance.RunAsync("shellcheck", ["-S", "warning", "-x", "-f", "gcc", Path.GetFileName(path)],
                // Minutes, not seconds: shellcheck -x on run-tests.sh took more than 60 s at a load average of 60 on 2 cores
                // (a guard against a hang, not a bound on its speed).
                new CommandOptions { WorkingDirectory = Path.GetDirectoryName(path), Timeout = TimeSpan.FromMinutes(10) }));
        if (result.Stdout.Length > 0) Evidence.Attach("findings", result.Stdout);
        Assert.That(result.ExitCode, Is.Zero, $"shellcheck found problems in {script}:\n{result.Stdout}{result.Stderr}");
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);

    private static IEnumerable<string> Walk(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory)) yield return file;
        foreach (var sub in Directory.EnumerateDirectories(directory))
        {
            if (SkippedDirectories.Contains(Path.GetFileName(sub))) continue;
            foreach (var file in Walk(sub)) yield return file;
        }
    }

    private static bool HasBashShebang(string file)
    {
        using var reader = new StreamReader(file);
        var first = reader.ReadLine() ?? "";
        return first.StartsWith("#!", StringComparison.Ordinal) && (first.Contains("bash", StringComparison.Ordinal) || first.EndsWith("/sh", StringComparison.Ordinal));
    }
}
