using NUnit.Framework;
using BashCni.Harness.Cluster;
using BashCni.Harness.Reachability;

namespace BashCni.Tests.Unit.Reachability;

[TestFixture]
[Category("Unit")]
public sealed class ProbePlanTests
{
    private static readonly ReachabilityOptions Local = new() { OutsideHost = ReachabilityOptions.LocalOutsideHost };

    private static ProbePlan LabPlan(ReachabilityOptions? options = null, IReadOnlyList<PodState>? pods = null,
        IReadOnlyList<ClusterNode>? nodes = null) =>
        ProbePlan.Create(ExpectedMatrix.ForStage("lab"), nodes ?? FakeCluster.LabNodes, pods ?? FakeCluster.LabPods, options ?? Local);

    private static PlannedProbe Probe(ProbePlan plan, string source, string target) =>
        plan.Probes.Single(p => p.Source == source && p.Target.Text == target);

    [TestCase("bash-worker-1", "own-bridge", "10.244.1.1")]
    [TestCase("nginx-worker-2", "own-bridge", "10.244.2.1")]
    [TestCase("bash-worker-1", "same-node-pod", "10.244.1.2")]
    [TestCase("nginx-worker-2", "same-node-pod", "10.244.2.3")]
    [TestCase("bash-worker-1", "pod:nginx-worker-2", "10.244.2.2")]
    [TestCase("bash-worker-2", "pod:bash-worker-1", "10.244.1.3")]
    [TestCase("bash-worker-1", "node:master", "10.0.1.10")]
    [TestCase("bash-worker-1", "node:worker-2", "10.0.1.12")]
    [TestCase("nginx-worker-2", "node:worker-1", "10.0.1.11")]
    [TestCase("bash-worker-2", "outside", "198.51.100.1")]
    public void IcmpTargets_ResolveToTheRightAddress(string source, string target, string address)
    {
        var probe = Probe(LabPlan(), source, target);

        Assert.Multiple(() =>
        {
            Assert.That(probe.Problem, Is.Null);
            Assert.That(probe.Address, Is.EqualTo(address));
            Assert.That(probe.Command, Is.EqualTo(new[] { "ping", "-c1", "-W1", address }));
            Assert.That(probe.Protocol, Is.EqualTo(ProbeProtocol.Icmp));
        });
    }

    [Test]
    public void HttpTargets_GetTheirPodsUrl()
    {
        var probe = Probe(LabPlan(Local with { HttpPort = 8080 }), "bash-worker-1", "http:nginx-worker-2");

        Assert.Multiple(() =>
        {
            Assert.That(probe.Address, Is.EqualTo("http://10.244.2.2:8080/"));
            Assert.That(probe.Command, Is.EqualTo(new[] { "sh", "-c", ProbeCommands.HttpScript, "http-probe", "http://10.244.2.2:8080/" }));
            Assert.That(probe.Protocol, Is.EqualTo(ProbeProtocol.Http));
        });
    }

    [Test]
    public void SelfAndOwnNodeCells_AreNotApplicable()
    {
        var plan = LabPlan();

        Assert.Multiple(() =>
        {
            Assert.That(plan.Expected["nginx-worker-1", "pod:nginx-worker-1"], Is.EqualTo(Reach.NotApplicable));
            Assert.That(plan.Expected["nginx-worker-1", "http:nginx-worker-1"], Is.EqualTo(Reach.NotApplicable));
            Assert.That(plan.Expected["bash-worker-2", "node:worker-2"], Is.EqualTo(Reach.NotApplicable));
            Assert.That(plan.Expected["bash-worker-2", "node:worker-1"], Is.EqualTo(Reach.No));
            Assert.That(plan.Expected["bash-worker-2", "own-bridge"], Is.EqualTo(Reach.Yes));
            // 4 sources x 12 targets, minus 4 self pod, 2 self http, 4 own node
            Assert.That(plan.Probes, Has.Count.EqualTo(38));
            Assert.That(plan.Probes.Any(p => p.Source == "bash-worker-1" && p.Target.Text == "node:worker-1"), Is.False);
            Assert.That(plan.Notes, Has.Some.Contains("bash-worker-1 -> node:worker-1: not probed (the source's own node)"));
        });
    }

    [Test]
    public void SameNodePod_IsNotApplicable_WhenAPodIsAloneOnItsNode()
    {
        var pods = FakeCluster.LabPods.Where(p => p.Name != "bash-worker-2").ToList();

        var plan = LabPlan(pods: pods);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Expected["nginx-worker-2", "same-node-pod"], Is.EqualTo(Reach.NotApplicable));
            Assert.That(Probe(plan, "bash-worker-2", "own-bridge").Problem, Does.Contain("bash-worker-2 is not among the deployed pods"));
            Assert.That(Probe(plan, "bash-worker-1", "pod:bash-worker-2").Problem, Does.Contain("not among the deployed pods"));
        });
    }

    [Test]
    public void APodWithoutIp_MakesItsCellsUnprobeable_WithTheReason()
    {
        var pods = FakeCluster.LabPods.Select(p => p.Name == "nginx-worker-2" ? p with { Ip = null, Phase = "Pending" } : p).ToList();

        var plan = LabPlan(pods: pods);

        Assert.Multiple(() =>
        {
            Assert.That(Probe(plan, "bash-worker-1", "pod:nginx-worker-2").Problem, Is.EqualTo("pod nginx-worker-2 has no IP (phase Pending)"));
            Assert.That(Probe(plan, "bash-worker-1", "http:nginx-worker-2").Problem, Does.Contain("has no IP"));
            Assert.That(Probe(plan, "bash-worker-1", "pod:nginx-worker-1").Problem, Is.Null);
        });
    }

    private static readonly ClusterNode[] KindNodes =
    [
        new("kind-control-plane", "172.18.0.2", "10.244.0.0/24"),
        new("kind-worker", "172.18.0.3", "10.244.1.0/24"),
        new("kind-worker2", "172.18.0.4", "10.244.2.0/24"),
    ];

    private static readonly PodState[] KindPods =
    [
        new("nginx-worker-1", "kind-worker", "10.244.1.2", "Running"),
        new("bash-worker-1", "kind-worker", "10.244.1.3", "Running"),
        new("nginx-worker-2", "kind-worker2", "10.244.2.2", "Running"),
        new("bash-worker-2", "kind-worker2", "10.244.2.3", "Running"),
    ];

    [Test]
    public void NodeAliases_MapLabNodeNamesOntoTheClustersNames()
    {
        var aliases = ReachabilityOptions.ParseNodeMap("master=kind-control-plane, worker-1=kind-worker,worker-2=kind-worker2");

        var plan = LabPlan(Local with { NodeAliases = aliases }, KindPods, KindNodes);

        Assert.Multiple(() =>
        {
            Assert.That(Probe(plan, "bash-worker-1", "node:worker-2").Address, Is.EqualTo("172.18.0.4"));
            Assert.That(Probe(plan, "bash-worker-1", "node:master").Address, Is.EqualTo("172.18.0.2"));
            Assert.That(plan.Expected["bash-worker-1", "node:worker-1"], Is.EqualTo(Reach.NotApplicable));
            Assert.That(plan.NodeNames["worker-2"], Is.EqualTo("kind-worker2"));
        });
    }

    [Test]
    public void WithoutAliases_NodesAreMatchedByPosition_AndThatIsNoted()
    {
        var plan = LabPlan(pods: KindPods, nodes: KindNodes);

        Assert.Multiple(() =>
        {
            Assert.That(Probe(plan, "nginx-worker-2", "node:worker-1").Address, Is.EqualTo("172.18.0.3"));
            Assert.That(plan.Notes, Has.Some.Contains("node worker-1 is the cluster's kind-worker (by position"));
        });
    }

    [Test]
    public void NodeAliases_AreSatisfied_WhenTheBackendAlreadyReportsLabNames()
    {
        ClusterNode[] labNamed =
        [
            new("master", "172.18.0.2", "10.244.0.0/24"),
            new("worker-1", "172.18.0.3", "10.244.1.0/24"),
            new("worker-2", "172.18.0.4", "10.244.2.0/24"),
        ];
        var pods = KindPods.Select(p => p with { Node = p.Node == "kind-worker" ? "worker-1" : "worker-2" }).ToArray();
        var aliases = ReachabilityOptions.ParseNodeMap("master=kind-control-plane,worker-1=kind-worker,worker-2=kind-worker2");

        var plan = LabPlan(Local with { NodeAliases = aliases }, pods, labNamed);

        Assert.Multiple(() =>
        {
            Assert.That(Probe(plan, "bash-worker-1", "node:worker-2").Problem, Is.Null);
            Assert.That(Probe(plan, "bash-worker-1", "node:worker-2").Address, Is.EqualTo("172.18.0.4"));
            Assert.That(plan.NodeNames["worker-1"], Is.EqualTo("worker-1"));
        });
    }

    [Test]
    public void AnAliasToAMissingNode_MakesThoseCellsUnprobeable()
    {
        var options = Local with { NodeAliases = ReachabilityOptions.ParseNodeMap("master=kind-control-plane,worker-1=kind-worker,worker-2=kind-wrker2") };

        var plan = LabPlan(options, KindPods, KindNodes);

        Assert.Multiple(() =>
        {
            Assert.That(Probe(plan, "bash-worker-1", "node:worker-2").Problem, Does.Contain("no node 'kind-wrker2'"));
            Assert.That(Probe(plan, "bash-worker-1", "node:master").Problem, Is.Null);
        });
    }

    [Test]
    public void OutsideWithoutAConfiguredHost_SaysWhatToSet()
    {
        var plan = LabPlan(new ReachabilityOptions());

        Assert.That(Probe(plan, "bash-worker-1", "outside").Problem, Does.Contain(ReachabilityOptions.OutsideHostVariable));
    }

    [Test]
    public async Task CreateAsync_OnTheLocalCluster_UsesTheSimulatedOutsideHost()
    {
        await using var cluster = new FakeCluster("local");

        var plan = await ProbePlan.CreateAsync(cluster, ExpectedMatrix.ForStage("lab"), cluster.Pods, new ReachabilityOptions());

        Assert.Multiple(() =>
        {
            Assert.That(Probe(plan, "bash-worker-1", "outside").Address, Is.EqualTo("198.51.100.1"));
            Assert.That(cluster.NodeScripts, Is.Empty, "no gateway lookup needed");
        });
    }

    [Test]
    public async Task CreateAsync_OnOtherClusters_UsesEachNodesDefaultGateway()
    {
        await using var cluster = new FakeCluster("kind", KindNodes, KindPods)
        {
            OnNode = (node, script) => new(script, 0, $"default via {(node == "kind-worker" ? "172.18.0.1" : "172.18.0.9")} dev eth0 \n", "", TimeSpan.Zero),
        };

        var plan = await ProbePlan.CreateAsync(cluster, ExpectedMatrix.ForStage("lab"), cluster.Pods, new ReachabilityOptions());

        Assert.Multiple(() =>
        {
            Assert.That(Probe(plan, "bash-worker-1", "outside").Address, Is.EqualTo("172.18.0.1"));
            Assert.That(Probe(plan, "bash-worker-2", "outside").Address, Is.EqualTo("172.18.0.9"));
            Assert.That(cluster.NodeScripts.Select(s => s.Node), Is.EquivalentTo(new[] { "kind-worker", "kind-worker2" }));
        });
    }

    [Test]
    public async Task CreateAsync_PrefersTheClustersOutsideAddress_OverTheOptionsDefault()
    {
        await using var cluster = new FakeCluster("kind", KindNodes, KindPods) { OutsideAddress = "192.0.2.50" };

        var byCluster = await ProbePlan.CreateAsync(cluster, ExpectedMatrix.ForStage("lab"), cluster.Pods, new ReachabilityOptions());
        var byOption = await ProbePlan.CreateAsync(cluster, ExpectedMatrix.ForStage("lab"), cluster.Pods, new ReachabilityOptions { OutsideHost = "192.0.2.60" });

        Assert.Multiple(() =>
        {
            Assert.That(Probe(byCluster, "bash-worker-1", "outside").Address, Is.EqualTo("192.0.2.50"));
            Assert.That(Probe(byOption, "bash-worker-1", "outside").Address, Is.EqualTo("192.0.2.60"));
            Assert.That(cluster.NodeScripts, Is.Empty, "no gateway lookup needed");
        });
    }

    [TestCase("default via 10.0.1.1 dev eth0 \n", "10.0.1.1")]
    [TestCase("10.0.1.0/24 dev eth0 proto kernel\ndefault via 172.18.0.1 dev eth0 proto static metric 100\n", "172.18.0.1")]
    [TestCase("default dev tun0 scope link\n", null)]
    [TestCase("", null)]
    public void ParseDefaultGateway(string output, string? gateway) =>
        Assert.That(ProbePlan.ParseDefaultGateway(output), Is.EqualTo(gateway));

    [Test]
    public void Options_FromValues_ValidatesTheSettings()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ReachabilityOptions.FromValues("192.0.2.7", null).OutsideHost, Is.EqualTo("192.0.2.7"));
            Assert.That(ReachabilityOptions.FromValues(" node-gateway ", null).OutsideHost, Is.EqualTo(ReachabilityOptions.NodeGateway));
            Assert.That(ReachabilityOptions.FromValues(null, "worker-1=kind-worker").NodeAliases["worker-1"], Is.EqualTo("kind-worker"));
            Assert.That(() => ReachabilityOptions.FromValues("example.org", null), Throws.ArgumentException.With.Message.Contains(ReachabilityOptions.OutsideHostVariable));
            Assert.That(() => ReachabilityOptions.ParseNodeMap("worker-1"), Throws.ArgumentException.With.Message.Contains("lab-name=cluster-name"));
            Assert.That(() => ReachabilityOptions.ParseNodeMap("a=b,a=c"), Throws.ArgumentException.With.Message.Contains("mapped twice"));
        });
    }
}
