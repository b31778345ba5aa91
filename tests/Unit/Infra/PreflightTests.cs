using BashCni.Harness.Cluster;
using BashCni.Harness.Kubernetes;
using BashCni.Harness.Sandbox;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Infra;

/// <summary>The real-target pre-flight: one readable report, red with what to do when the cluster is not usable.</summary>
[TestFixture]
[Category("Unit")]
public sealed class PreflightTests
{
    private static readonly NodeNameMap Kind = NodeNameMap.Kind;

    private static Func<string, string, CancellationToken, Task<CommandResult>> Nodes(Func<string, string> stdout) =>
        (node, _, _) => Task.FromResult(new CommandResult("pre-flight", 0, stdout(node), "", TimeSpan.Zero));

    private const string Healthy = "ok bash 5.2.15\nok jq\nok ip\nok flock\nok nsenter\nok br_netfilter sysctl\nok no other CNI configuration\nok image docker.io/library/nginx:1.27\n";

    [Test]
    public async Task AHealthyClusterPassesWithOneLinePerCheck()
    {
        var (report, passed) = await Preflight.RunAsync(LabNodes(), Kind, Nodes(_ => Healthy), ["docker.io/library/nginx:1.27"]);
        Assert.Multiple(() =>
        {
            Assert.That(passed, Is.True, report);
            Assert.That(report, Does.Contain("worker-2: spec.podCIDR 10.244.2.0/24"));
            Assert.That(report, Does.Contain("worker-1: br_netfilter sysctl"));
            Assert.That(report, Does.Not.Contain("FAIL"));
        });
    }

    [Test]
    public async Task MissingBrNetfilterAndAnotherCniAreRedWithWhatToDo()
    {
        var (report, passed) = await Preflight.RunAsync(LabNodes(), Kind, Nodes(node => node == "worker-1"
            ? Healthy.Replace("ok br_netfilter sysctl", "fail br_netfilter sysctl: /proc/sys/net/bridge/bridge-nf-call-iptables missing: load br_netfilter on the host (sudo modprobe br_netfilter)", StringComparison.Ordinal)
                .Replace("ok no other CNI configuration", "fail other CNI configuration: /etc/cni/net.d/10-kindnet.conflist ", StringComparison.Ordinal)
            : Healthy), []);
        Assert.Multiple(() =>
        {
            Assert.That(passed, Is.False);
            Assert.That(report, Does.Contain("FAIL  worker-1: br_netfilter sysctl").And.Contain("sudo modprobe br_netfilter"));
            Assert.That(report, Does.Contain("FAIL  worker-1: other CNI configuration: /etc/cni/net.d/10-kindnet.conflist"));
        });
    }

    [Test]
    public async Task AnUnmappedLabNodeOrAMissingPodCidrIsRed()
    {
        var nodes = new List<ClusterNode> { new("master", "172.18.0.2", "10.244.0.0/24"), new("worker-1", "172.18.0.3", "") };
        var (report, passed) = await Preflight.RunAsync(nodes, Kind, Nodes(_ => Healthy), []);
        Assert.Multiple(() =>
        {
            Assert.That(passed, Is.False);
            Assert.That(report, Does.Contain("lab node worker-2: not in the cluster (set BASHCNI_NODE_MAP"));
            Assert.That(report, Does.Contain("worker-1: no spec.podCIDR"));
        });
    }

    [Test]
    public async Task ANodeThatCannotBeReachedIsRed()
    {
        var (report, passed) = await Preflight.RunAsync(LabNodes(), Kind,
            (_, _, _) => Task.FromResult(new CommandResult("ssh", 255, "", "Connection refused", TimeSpan.Zero)), []);
        Assert.Multiple(() =>
        {
            Assert.That(passed, Is.False);
            Assert.That(report, Does.Contain("node access failed (exit 255): Connection refused"));
        });
    }

    [Test]
    public async Task TheNodeScriptRunsAndAnswersOneParseableLinePerCheck()
    {
        // Read-only: it looks at /proc, /etc/cni/net.d and the PATH; crictl is absent here, so nothing is pulled.
        var script = Preflight.NodeScript(["docker.io/library/nginx:1.27"]);
        var result = await LocalRunner.Instance.RunAsync("bash", ["-c", script]);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(result.Stderr, Is.Empty, result.ToString());
            Assert.That(lines, Is.All.Match("^(ok|fail|info) "), result.Stdout);
            Assert.That(lines, Has.Some.StartsWith("ok bash 5"));
            Assert.That(lines, Has.Some.Contains("br_netfilter sysctl"));
            foreach (var tool in new[] { "jq", "ip", "flock", "nsenter" }) Assert.That(lines, Has.Some.Match($"^(ok|fail) {tool}\\b"));
            Assert.That(lines, Has.Some.Contains("other CNI configuration"));
        });
        var file = Path.Combine(Path.GetTempPath(), $"bashcni-preflight-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(file, "#!/usr/bin/env bash\n" + script);
        try
        {
            var check = await LocalRunner.Instance.RunAsync("shellcheck", ["-s", "bash", file]);
            Assert.That(check.ExitCode, Is.Zero, check.Stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static List<ClusterNode> LabNodes() =>
    [
        new("master", "172.18.0.2", "10.244.0.0/24"),
        new("worker-1", "172.18.0.3", "10.244.1.0/24"),
        new("worker-2", "172.18.0.4", "10.244.2.0/24"),
    ];
}
