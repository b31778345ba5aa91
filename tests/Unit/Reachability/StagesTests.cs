using NUnit.Framework;
using BashCni.Harness.Cluster;
using BashCni.Harness.Reachability;
using BashCni.Harness.Sandbox;

namespace BashCni.Tests.Unit.Reachability;

[TestFixture]
[Category("Unit")]
public sealed class StagesTests
{
    private static ClusterNode Worker1 => FakeCluster.LabNodes[1];

    private static string ScriptFor(string stage, ClusterNode node, string procSys = "/proc/sys") =>
        Stages.Script(stage, node, FakeCluster.LabNodes, "10.244.0.0/16", procSys);

    private static async Task<CommandResult> RunAsync(FakeNodeTools tools, string script) =>
        await LocalRunner.Instance.RunAsync("sh", ["-c", script], new CommandOptions { Environment = tools.Environment });

    [Test]
    public void Routed_RoutesEveryOtherNodesPodCidrViaThatNode()
    {
        var script = ScriptFor(Stages.Routed, Worker1);

        Assert.Multiple(() =>
        {
            Assert.That(script, Does.Contain("ip route replace 10.244.0.0/24 via 10.0.1.10"));
            Assert.That(script, Does.Contain("ip route replace 10.244.2.0/24 via 10.0.1.12"));
            Assert.That(script, Does.Not.Contain("10.244.1.0/24 via"), "no route for the node's own podCIDR");
            Assert.That(script, Does.Contain("POSTROUTING -s 10.244.1.0/24 ! -d 10.244.0.0/16 -j MASQUERADE"));
            Assert.That(script, Does.Contain("FORWARD -s 10.244.0.0/16 -j ACCEPT").And.Contain("FORWARD -d 10.244.0.0/16 -j ACCEPT"));
        });
    }

    [TestCase(Stages.Lab)]
    [TestCase(Stages.Routed)]
    public void EveryRuleChange_IsGuardedByACheck(string stage)
    {
        var lines = ScriptFor(stage, Worker1).Split('\n');

        Assert.Multiple(() =>
        {
            foreach (var line in lines.Where(l => l.Contains(" -A ", StringComparison.Ordinal) || l.Contains(" -D ", StringComparison.Ordinal)))
            {
                var rule = line[(line.IndexOf(line.Contains(" -A ", StringComparison.Ordinal) ? " -A " : " -D ", StringComparison.Ordinal) + 4)..]
                    .Replace("; done", "", StringComparison.Ordinal);
                Assert.That(line, Does.Contain("-C " + rule), line);
            }
            Assert.That(lines.Count(l => l.Contains(" -A ", StringComparison.Ordinal) || l.Contains(" -D ", StringComparison.Ordinal)), Is.EqualTo(3));
        });
    }

    [Test]
    public void Lab_SetsTheLabHostsFirewall()
    {
        var script = ScriptFor(Stages.Lab, Worker1);

        Assert.Multiple(() =>
        {
            Assert.That(script, Does.Contain("iptables -P FORWARD DROP"));
            Assert.That(script, Does.Contain("/proc/sys/net/bridge/bridge-nf-call-iptables"));
            Assert.That(script, Does.Not.Contain("ip route replace"));
        });
    }

    [Test]
    public void UnknownStage_NamesTheKnownOnes() =>
        Assert.That(() => ScriptFor("flat", Worker1), Throws.ArgumentException.With.Message.Contains("unknown stage 'flat' (stages: lab, routed)"));

    [TestCase("10.0.1.12; reboot", "10.244.2.0/24", "is not an IPv4 address")]
    [TestCase("10.0.1.12", "10.244.2.1/24", "is not an IPv4 network")]
    [TestCase("10.244.2.9", "10.244.2.0/24", "lies inside its own podCIDR")]
    public void NodeDataThatIsNotAnAddress_NeverReachesAScript(string address, string podCidr, string expected)
    {
        ClusterNode[] nodes = [FakeCluster.LabNodes[0], FakeCluster.LabNodes[1], new("worker-2", address, podCidr)];

        Assert.That(() => Stages.Script(Stages.Routed, nodes[0], nodes), Throws.ArgumentException.With.Message.Contains(expected));
    }

    [Test]
    public async Task Routed_RunTwice_LeavesEachRuleAndRouteOnce()
    {
        using var tools = new FakeNodeTools();
        var script = ScriptFor(Stages.Routed, Worker1, tools.ProcSys);

        var first = await RunAsync(tools, script);
        var second = await RunAsync(tools, script);

        Assert.Multiple(() =>
        {
            Assert.That(first.ExitCode, Is.Zero, first.ToString());
            Assert.That(second.ExitCode, Is.Zero, second.ToString());
            Assert.That(tools.Rules, Is.EquivalentTo(new[]
            {
                "filter FORWARD -s 10.244.0.0/16 -j ACCEPT",
                "filter FORWARD -d 10.244.0.0/16 -j ACCEPT",
                "nat POSTROUTING -s 10.244.1.0/24 ! -d 10.244.0.0/16 -j MASQUERADE",
            }));
            Assert.That(tools.Routes, Is.EquivalentTo(new[] { "10.244.0.0/24 via 10.0.1.10", "10.244.2.0/24 via 10.0.1.12" }));
        });
    }

    [Test]
    public async Task Lab_AfterRouted_RestoresTheLabState_AndIsIdempotent()
    {
        using var tools = new FakeNodeTools(bridgeNf: "0");
        tools.AddRule("filter FORWARD -j KUBE-FORWARD");
        tools.AddRoute("10.96.0.0/12 via 10.0.1.1");
        var routed = await RunAsync(tools, ScriptFor(Stages.Routed, Worker1, tools.ProcSys));
        tools.AddRule("filter FORWARD -s 10.244.0.0/16 -j ACCEPT"); // a duplicate left by someone else

        var lab = ScriptFor(Stages.Lab, Worker1, tools.ProcSys);
        var first = await RunAsync(tools, lab);
        var second = await RunAsync(tools, lab);

        Assert.Multiple(() =>
        {
            Assert.That(routed.ExitCode, Is.Zero, routed.ToString());
            Assert.That(first.ExitCode, Is.Zero, first.ToString());
            Assert.That(second.ExitCode, Is.Zero, second.ToString());
            Assert.That(tools.Rules, Is.EqualTo(new[] { "filter FORWARD -j KUBE-FORWARD" }), "only what the stages did not add stays");
            Assert.That(tools.Routes, Is.EqualTo(new[] { "10.96.0.0/12 via 10.0.1.1" }));
            Assert.That(tools.Policy("filter", "FORWARD"), Is.EqualTo("DROP"));
            Assert.That(tools.BridgeNf, Is.EqualTo("1"));
        });
    }

    [Test]
    public async Task Lab_WithoutBrNetfilter_FailsWithAReason()
    {
        using var tools = new FakeNodeTools();
        File.Delete(Path.Combine(tools.ProcSys, "net", "bridge", "bridge-nf-call-iptables"));

        var result = await RunAsync(tools, ScriptFor(Stages.Lab, Worker1, tools.ProcSys));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(3));
            Assert.That(result.Stderr, Does.Contain("br_netfilter not loaded"));
            Assert.That(tools.Calls, Is.Empty, "nothing changed before the check");
        });
    }

    [Test]
    public async Task Routed_WithForwardingOff_FailsWithAReason()
    {
        using var tools = new FakeNodeTools(ipForward: "0");

        var result = await RunAsync(tools, ScriptFor(Stages.Routed, Worker1, tools.ProcSys));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(3));
            Assert.That(result.Stderr, Does.Contain("IPv4 forwarding is off"));
        });
    }

    [TestCase(Stages.Lab)]
    [TestCase(Stages.Routed)]
    public async Task Scripts_AreShellcheckClean(string stage)
    {
        var shellcheck = new[] { "/usr/bin/shellcheck", "/usr/local/bin/shellcheck" }.FirstOrDefault(File.Exists);
        if (shellcheck is null) Assert.Fail("shellcheck is not installed (apt-get install shellcheck; ./run-tests.sh installs it)");
        var file = Path.Combine(Path.GetTempPath(), $"stage-{stage}-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(file, ScriptFor(stage, Worker1));
        try
        {
            var result = await LocalRunner.Instance.RunAsync(shellcheck!, ["-s", "sh", "-S", "warning", file]);

            Assert.That(result.ExitCode, Is.Zero, result.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task ApplyAsync_RunsEachNodesOwnScriptOnThatNode()
    {
        await using var cluster = new FakeCluster();

        var results = await Stages.ApplyAsync(cluster, Stages.Routed);

        var scripts = cluster.NodeScripts.ToList();
        Assert.Multiple(() =>
        {
            Assert.That(results, Has.Count.EqualTo(3));
            Assert.That(scripts.Select(s => s.Node), Is.EqualTo(new[] { "master", "worker-1", "worker-2" }));
            foreach (var (node, script) in scripts)
                Assert.That(script, Is.EqualTo(ScriptFor(Stages.Routed, cluster.Nodes.Single(n => n.Name == node))));
        });
    }

    [Test]
    public async Task ApplyAsync_NamesEveryNodeWhereTheStageFailed()
    {
        await using var cluster = new FakeCluster
        {
            OnNode = (node, script) => new CommandResult("sh", node == "worker-2" ? 3 : 0, "", node == "worker-2" ? "iptables: not found" : "", TimeSpan.Zero),
        };

        var e = Assert.ThrowsAsync<InvalidOperationException>(() => Stages.ApplyAsync(cluster, Stages.Lab));

        Assert.Multiple(() =>
        {
            Assert.That(e!.Message, Does.Contain("stage 'lab' failed on 1 node(s)").And.Contain("node worker-2: exit 3: iptables: not found"));
            Assert.That(cluster.NodeScripts, Has.Count.EqualTo(3), "the other nodes were still set");
        });
    }

    /// <summary>A kubeadm cluster made with another --pod-network-cidr and a fourth node that is not one of the lab's
    /// (no podCIDR of ours): the stage runs on the three lab nodes only, naming the cluster's own pod network. Before,
    /// the scripts named 10.244.0.0/16 whatever the cluster, and the fourth node's empty podCIDR threw.</summary>
    [Test]
    public async Task ApplyAsync_UsesTheClustersPodNetworkOnTheThreeLabNodesOnly()
    {
        await using var cluster = new FakeCluster(nodes:
        [
            new ClusterNode("master", "10.0.1.10", "10.32.0.0/24"),
            new ClusterNode("worker-1", "10.0.1.11", "10.32.1.0/24"),
            new ClusterNode("worker-2", "10.0.1.12", "10.32.2.0/24"),
            new ClusterNode("worker-3", "10.0.1.13", ""),
        ]) { PodNetwork = "10.32.0.0/12" };

        await Stages.ApplyAsync(cluster, Stages.Routed);

        var scripts = cluster.NodeScripts.ToList();
        Assert.Multiple(() =>
        {
            Assert.That(scripts.Select(s => s.Node), Is.EqualTo(new[] { "master", "worker-1", "worker-2" }));
            foreach (var (node, script) in scripts)
            {
                Assert.That(script, Does.Contain("FORWARD -s 10.32.0.0/12 -j ACCEPT").And.Contain("! -d 10.32.0.0/12 -j MASQUERADE"), node);
                Assert.That(script, Does.Not.Contain("10.244.").And.Not.Contain("10.0.1.13"), node);
            }
        });
    }
}
