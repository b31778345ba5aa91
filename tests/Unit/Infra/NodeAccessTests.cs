using NUnit.Framework;
using BashCni.Harness.Kubernetes;
using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;

namespace BashCni.Tests.Unit.Infra;

/// <summary>Node access pieces that run without a cluster: the root command line, docker exec/cp, the install step.</summary>
[TestFixture]
[Category("Unit")]
public sealed class NodeAccessTests
{
    private DirectoryInfo _temp = null!;

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("bashcni-access-");

    [TearDown]
    public void TearDown() => _temp.Delete(recursive: true);

    [Test]
    public async Task RootCommandLineRunsTheScriptVerbatim()
    {
        const string script = "set -euo pipefail\nx='it'\"'\"'s $HOME'\necho \"$x\" \"$0\"\nprintf '%s\\n' \"ünï ${x:0:2}\"\n";
        var line = SshNodeAccess.RootCommandLine(script, "root");
        Assert.That(line, Does.Not.StartWith("sudo"));
        var result = await LocalRunner.Instance.RunCheckedAsync("sh", ["-c", line]);
        Assert.That(result.Stdout, Is.EqualTo("it's $HOME bash-cni-node\nünï it\n"));
        Assert.That(SshNodeAccess.RootCommandLine(script, "ubuntu"), Does.StartWith("sudo -n bash -c "));
    }

    [Test]
    public async Task DockerAccessExecsAndCopiesIntoTheNodeContainer()
    {
        var log = Path.Combine(_temp.FullName, "docker.log");
        var fake = Path.Combine(_temp.FullName, "docker");
        await File.WriteAllTextAsync(fake, $"#!/usr/bin/env bash\nall=\"$*\"\nprintf '%s\\n' \"${{all//$'\\n'/ }}\" >> '{log}'\necho \"out from $2\"\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var plugin = Directory.CreateDirectory(Path.Combine(_temp.FullName, "plugin"));

        await using var node = new DockerExecNodeAccess("kind-worker", LocalRunner.Instance, fake);
        var result = await node.RunAsync("ip route");
        await node.CopyDirectoryAsync(plugin.FullName, "/opt/bash-cni/plugin");

        Assert.That(result.Stdout, Is.EqualTo("out from kind-worker\n"));
        var calls = await File.ReadAllLinesAsync(log);
        Assert.That(calls[0], Is.EqualTo("exec kind-worker bash -c ip route bash-cni-node"));
        Assert.That(calls, Has.Some.StartsWith("exec kind-worker bash -c set -euo pipefail rm -rf '/opt/bash-cni/plugin' mkdir -p"));
        Assert.That(calls, Has.Some.EqualTo($"cp {plugin.FullName} kind-worker:/opt/bash-cni/plugin"));
    }

    [Test]
    public async Task InstallStepCopiesThePluginAndRunsInstallShWithThePodCidr()
    {
        var plugin = Directory.CreateDirectory(Path.Combine(_temp.FullName, "plugin"));
        var install = Path.Combine(plugin.FullName, "install.sh");
        await File.WriteAllTextAsync(install, "#!/usr/bin/env bash\necho \"install.sh $*\"\n");
        File.SetUnixFileMode(install, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var remote = Path.Combine(_temp.FullName, "node", "opt", "plugin");
        await using var node = new DirectoryNodeAccess();

        var result = await PluginInstaller.InstallAsync(node, plugin.FullName, "10.244.2.0/24", "10.244.0.0/16", remoteDirectory: remote);

        Assert.That(node.Copies, Is.EqualTo(new[] { (plugin.FullName, remote) }));
        Assert.That(File.Exists(Path.Combine(remote, "install.sh")), Is.True);
        Assert.That(result.Stdout.Trim(), Is.EqualTo("install.sh --subnet 10.244.2.0/24 --network 10.244.0.0/16"));
    }

    [Test]
    public async Task InstallStepFailsWhenInstallShFails()
    {
        var plugin = Directory.CreateDirectory(Path.Combine(_temp.FullName, "plugin"));
        await File.WriteAllTextAsync(Path.Combine(plugin.FullName, "install.sh"), "#!/usr/bin/env bash\necho 'no bridge' >&2\nexit 3\n");
        await using var node = new DirectoryNodeAccess();
        using var expected = RedSteps.Expect("the install step's failure is what the test reads");
        var e = Assert.ThrowsAsync<CommandFailedException>(() =>
            PluginInstaller.InstallAsync(node, plugin.FullName, "10.244.1.0/24", "10.244.0.0/16", remoteDirectory: Path.Combine(_temp.FullName, "r")));
        Assert.That(e!.Result.ExitCode, Is.EqualTo(3));
        Assert.That(e.Message, Does.Contain("no bridge"));
    }

    [TestCase("10.244.1.0/24; reboot")]
    [TestCase("10.244.1.0/33")]
    [TestCase("$(id)")]
    public void InstallScriptRefusesAnythingButACidr(string podCidr) =>
        Assert.Throws<ArgumentException>(() => PluginInstaller.InstallScript(podCidr, "10.244.0.0/16"));

    /// <summary>A node that is a local directory: copies with the file system, runs scripts with local bash.</summary>
    private sealed class DirectoryNodeAccess : INodeAccess
    {
        public List<(string, string)> Copies { get; } = [];

        public string Kind => "directory";

        public string NodeName => "local-dir";

        public Task<CommandResult> RunAsync(string script, CancellationToken cancellationToken = default) =>
            LocalRunner.Instance.RunAsync("bash", ["-c", script], cancellationToken: cancellationToken);

        public Task CopyDirectoryAsync(string localDirectory, string remoteDirectory, CancellationToken cancellationToken = default)
        {
            Copies.Add((localDirectory, remoteDirectory));
            Directory.CreateDirectory(remoteDirectory);
            foreach (var file in Directory.EnumerateFiles(localDirectory))
                File.Copy(file, Path.Combine(remoteDirectory, Path.GetFileName(file)), overwrite: true);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
