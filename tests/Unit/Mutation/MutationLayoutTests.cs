using BashCni.Harness;
using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Mutation;

/// <summary>
/// The direct-mode plugin directory of tests/Mutation/lib/layout.sh runs the source files themselves: a call answers
/// as the plugin does, and its trace names source lines (so coverage and mutants are of src/Plugin/source/), and the
/// calling test; a mutated source tree is what runs.
/// </summary>
[Category("Unit")]
[Feature("Mutation testing")]
public sealed class MutationLayoutTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("mutation-layout-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static Task<CommandResult> VersionAsync(string plugin) =>
        LocalRunner.Instance.RunAsync(plugin, [], new CommandOptions
        {
            Stdin = "{\"cniVersion\":\"1.0.0\"}",
            Environment = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["CNI_COMMAND"] = "VERSION", ["BASHCNI_TEST"] = "T.Version", ["BASH_CNI_LOG_FILE"] = "/dev/null",
            },
        });

    [Test]
    public async Task DirectPluginAnswersAndTracesSourceLines()
    {
        var source = Path.Combine(RepoPaths.Root, "src", "Plugin", "source");
        var plugin = Path.Combine(_dir, "plugin");
        var traces = Path.Combine(_dir, "traces");
        Directory.CreateDirectory(traces);
        await MutationScript.RunAsync("mutation_make_plugin_dir \"$@\"", source, plugin, traces);
        var run = await VersionAsync(Path.Combine(plugin, "bash-cni-ipam"));
        Assert.That(run.ExitCode, Is.Zero, run.Stderr);
        Assert.That(run.Stdout, Does.Contain("supportedVersions"));
        var trace = await File.ReadAllTextAsync(Directory.GetFiles(traces, "*.trace").Single());
        Assert.That(trace, Does.StartWith("#test T.Version\n"));
        Assert.That(trace, Does.Contain($"@@{plugin}/src/cni.sh:").And.Contain($"@@{plugin}/src/plugin.sh:"));
    }

    [Test]
    public async Task MutatedTreeIsWhatRuns()
    {
        var tree = Path.Combine(_dir, "tree");
        await MutationScript.RunAsync("cp -R \"$1/.\" \"$2/\"", Path.Combine(RepoPaths.Root, "src", "Plugin", "source"),
            Directory.CreateDirectory(tree).FullName);
        // The entry's first statement fails: every call must exit non-zero.
        var entry = Path.Combine(tree, "plugin.sh");
        var text = await File.ReadAllTextAsync(entry);
        await File.WriteAllTextAsync(entry, text.Replace("umask 022\n", "exit 42\n", StringComparison.Ordinal));
        await MutationScript.RunAsync("mutation_make_plugin_dir \"$@\"", tree, Path.Combine(_dir, "plugin"));
        var run = await VersionAsync(Path.Combine(_dir, "plugin", "bash-cni"));
        Assert.That(run.ExitCode, Is.EqualTo(42));
        Assert.That(Directory.GetFiles(Path.Combine(_dir, "plugin"), "*.trace", SearchOption.AllDirectories), Is.Empty, "no trace without a trace directory");
    }
}
