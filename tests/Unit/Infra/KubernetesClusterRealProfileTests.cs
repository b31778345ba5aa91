using System.Text.Json.Nodes;
using BashCni.Harness;
using BashCni.Harness.Cluster;
using BashCni.Harness.Kubernetes;
using BashCni.Harness.Reachability;
using BashCni.Harness.Sandbox;
using k8s;
using k8s.Models;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Infra;

/// <summary>
/// KubernetesCluster against the strict API double where a real cluster differs from the lab: a fourth node outside
/// the node map without a podCIDR of ours, another pod network, an outside host that does not answer ping, an exec the
/// server rejects, a probe container that stopped or whose pull failed first.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class KubernetesClusterRealProfileTests
{
    private const string ProbeImage = "docker.io/nicolaka/netshoot:v0.13";
    private DirectoryInfo _temp = null!;

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("bashcni-kprofile-");

    [TearDown]
    public void TearDown() => _temp.Delete(recursive: true);

    private static JsonObject Node(string name, string address, string? podCidr) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = podCidr is null ? new JsonObject() : new JsonObject { ["podCIDR"] = podCidr },
        ["status"] = new JsonObject { ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = address }) },
    };

    /// <summary>kind's three nodes on pod network 10.32.0.0/12, and a fourth worker outside the node map with no podCIDR.</summary>
    private static FakeKubernetesApi FourNodeApi() => new(
    [
        Node("kind-control-plane", "172.18.0.2", "10.32.0.0/24"),
        Node("kind-worker", "172.18.0.3", "10.32.1.0/24"),
        Node("kind-worker2", "172.18.0.4", "10.32.2.0/24"),
        Node("kind-worker3", "172.18.0.5", null),
    ]);

    private static FakeKubernetesApi KindApi() => new(
    [
        Node("kind-control-plane", "172.18.0.2", "10.244.0.0/24"),
        Node("kind-worker", "172.18.0.3", "10.244.1.0/24"),
        Node("kind-worker2", "172.18.0.4", "10.244.2.0/24"),
    ]);

    private async Task<(KubernetesCluster Cluster, Dictionary<string, FakeNodeAccess> Access)> ConnectAsync(FakeKubernetesApi api,
        Action<FakeNodeAccess>? setUp = null, params (string Name, string Value)[] settings)
    {
        var path = Path.Combine(_temp.FullName, "kubeconfig");
        await File.WriteAllTextAsync(path, api.Kubeconfig);
        var values = settings.ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);
        var target = KubernetesTargetSettings.FromEnvironment("kind", name => name switch
        {
            "KUBECONFIG" => path,
            "BASHCNI_NAMESPACE" => "bash-cni-unit",
            _ => values.GetValueOrDefault(name),
        });
        var access = new Dictionary<string, FakeNodeAccess>(StringComparer.Ordinal);
        var cluster = await KubernetesCluster.CreateAsync(target, LocalRunner.Instance, (_, clusterName) =>
        {
            var node = new FakeNodeAccess(api, clusterName);
            setUp?.Invoke(node);
            lock (access) access[clusterName] = node;
            return node;
        });
        return (cluster, access);
    }

    /// <summary>A node that passes the pre-flight, installs, has a default gateway, and answers ping to
    /// <paramref name="answeringHosts"/> only.</summary>
    private static Action<FakeNodeAccess> HealthyNode(params string[] answeringHosts) => node =>
    {
        node.AcceptCopies = true;
        node.OnScript = script =>
        {
            if (script.StartsWith("set -uo pipefail\nimages=(", StringComparison.Ordinal))
                return new CommandResult("preflight", 0, "ok bash 5.2.15\nok jq\nok ip\nok flock\nok nsenter\nok br_netfilter sysctl\nok no other CNI configuration\n", "", TimeSpan.Zero);
            if (script.StartsWith("ip -4 route show default", StringComparison.Ordinal))
                return new CommandResult("gateway", 0, "172.18.0.1\n", "", TimeSpan.Zero);
            if (script.StartsWith("ping ", StringComparison.Ordinal))
            {
                var host = script.Trim().Split(' ')[^1].Trim('\'');
                return answeringHosts.Contains(host)
                    ? new CommandResult("ping", 0, "3 packets transmitted, 3 received, 0% packet loss", "", TimeSpan.Zero)
                    : new CommandResult("ping", 1, "3 packets transmitted, 0 received, 100% packet loss", "", TimeSpan.Zero);
            }
            if (script.Contains("/install.sh", StringComparison.Ordinal))
                return new CommandResult("install", 0, "installed", "", TimeSpan.Zero);
            return null;
        };
    };

    private static IReadOnlyList<V1Pod> LabPods() =>
        KubernetesYaml.LoadAllFromString(File.ReadAllText(RepoPaths.Fixture("deploy.yaml"))).OfType<V1Pod>().ToList();

    private static async Task RunningAsync(ICluster cluster, string name)
    {
        for (var read = 0; read < 20; read++)
            if (await cluster.GetPodAsync(name) is { Phase: "Running", Ip: not null }) return;
        Assert.Fail($"pod {name} did not reach Running with an IP in 20 reads");
    }

    /// <summary>Issue: node preparation ran on every node and threw on one without podCIDR. Before: "nodes without
    /// spec.podCIDR: kind-worker3".</summary>
    [Test]
    public async Task PreparationTouchesOnlyTheThreeMappedLabNodes_WithTheClustersPodNetwork()
    {
        await using var api = FourNodeApi();
        var (cluster, access) = await ConnectAsync(api, HealthyNode("172.18.0.1"), ("BASHCNI_POD_NETWORK", "10.32.0.0/12"));
        await using var _ = cluster;

        await cluster.PrepareNodesAsync();

        Assert.Multiple(() =>
        {
            Assert.That(cluster.Nodes.Select(n => n.Name), Does.Contain("kind-worker3"), "the fourth node is listed (it exists)");
            Assert.That(access["kind-worker3"].Scripts, Is.Empty, "nothing ran on the node outside the node map");
            Assert.That(access["kind-worker3"].Copies, Is.Empty);
            foreach (var name in new[] { "kind-control-plane", "kind-worker", "kind-worker2" })
                Assert.That(access[name].Scripts, Has.Some.Contains("--network 10.32.0.0/12"), $"install.sh on {name} names the cluster's pod network");
            Assert.That(((ICluster)cluster).PodNetwork, Is.EqualTo("10.32.0.0/12"));
        });
    }

    /// <summary>Issue: the stage scripts named 10.244.0.0/16 whatever the cluster, on every node. Before: the fourth
    /// node's empty podCIDR threw ("podCIDR of node kind-worker3"), and the scripts named 10.244.0.0/16.</summary>
    [Test]
    public async Task StagesRunOnTheThreeLabNodesWithTheClustersPodNetwork()
    {
        await using var api = FourNodeApi();
        var ran = new List<(string Node, string Script)>();
        var (cluster, access) = await ConnectAsync(api, node =>
        {
            node.OnScript = script =>
            {
                lock (ran) ran.Add((node.NodeName, script));
                return script.StartsWith("set -eu\n# stage ", StringComparison.Ordinal) ? new CommandResult("stage", 0, "", "", TimeSpan.Zero) : null;
            };
        }, ("BASHCNI_POD_NETWORK", "10.32.0.0/12"));
        await using var _ = cluster;

        await Stages.ApplyAsync(cluster, Stages.Routed);

        Assert.Multiple(() =>
        {
            Assert.That(ran.Select(r => r.Node), Is.EquivalentTo(new[] { "kind-control-plane", "kind-worker", "kind-worker2" }));
            Assert.That(ran.Select(r => r.Script), Is.All.Contains("FORWARD -s 10.32.0.0/12 -j ACCEPT"));
            Assert.That(access["kind-worker3"].Scripts, Is.Empty);
        });
    }

    /// <summary>Issue: the outside host (default: the master's default gateway, e.g. a VPC router) may not answer
    /// ping; the pre-flight checks it from the master and names BASHCNI_OUTSIDE_HOST. Before: the pre-flight passed.</summary>
    [Test]
    public async Task AnOutsideHostThatDoesNotAnswerPingFailsThePreflightNamingTheSetting()
    {
        await using var api = KindApi();
        var (cluster, access) = await ConnectAsync(api, HealthyNode(/* nothing answers */));
        await using var _ = cluster;

        var e = Assert.ThrowsAsync<PreflightFailedException>(() => cluster.PreflightAsync());

        Assert.Multiple(() =>
        {
            Assert.That(e!.Message, Does.Contain("FAIL  outside host 172.18.0.1 (master's default gateway) does not answer ping from master")
                .And.Contain("BASHCNI_OUTSIDE_HOST"));
            Assert.That(access["kind-control-plane"].Scripts, Has.Some.StartsWith("ping -c3 -W2 '172.18.0.1'").Or.Some.StartsWith("ping -c3 -W2 172.18.0.1"),
                "checked from the master node itself");
        });
    }

    [Test]
    public async Task AConfiguredOutsideHostThatAnswersPassesThePreflight()
    {
        await using var api = KindApi();
        var (cluster, _) = await ConnectAsync(api, HealthyNode("192.0.2.50"), ("BASHCNI_OUTSIDE_HOST", "192.0.2.50"));
        await using var __ = cluster;

        await cluster.PreflightAsync();

        Assert.That(cluster.PreflightReport, Does.Contain("ok    outside host 192.0.2.50 (BASHCNI_OUTSIDE_HOST) answers ping from master"));
    }

    /// <summary>Issue: an exec the server rejects (RBAC 403) surfaced as a bare WebSocketException, its status text
    /// lost. Before: WebSocketException "The server returned status code '403' when status code '101' was expected."</summary>
    [Test]
    public async Task ARejectedExecIsAProbeErrorNamingPodContainerAndTheServersAnswer()
    {
        await using var api = KindApi();
        var (cluster, _) = await ConnectAsync(api);
        await using var __ = cluster;
        await cluster.DeployPodAsync(LabPods()[0]);
        await RunningAsync(cluster, "nginx-worker-1");
        const string Rbac = "pods \"nginx-worker-1\" is forbidden: User \"ci\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"bash-cni-unit\"";
        api.RejectExec = (_, _) => (403, Rbac);

        var e = Assert.ThrowsAsync<PodExecRejectedException>(() => cluster.ExecInPodNetworkAsync("nginx-worker-1", ["ping", "-c1", "-W1", "10.244.2.2"]));
        Assert.That(e!.Message, Does.Contain("pod nginx-worker-1").And.Contain($"container {KubernetesCluster.ProbeContainerName}")
            .And.Contain("403").And.Contain(Rbac));

        var plan = ProbePlan.Create(ExpectedMatrix.ForStage(Stages.Lab), cluster.Nodes,
            [new PodState("nginx-worker-1", "worker-1", "10.244.1.2", "Running"), new PodState("bash-worker-1", "worker-1", "10.244.1.3", "Running"),
             new PodState("nginx-worker-2", "worker-2", "10.244.2.2", "Running"), new PodState("bash-worker-2", "worker-2", "10.244.2.3", "Running")],
            new ReachabilityOptions { OutsideHost = "198.51.100.1", RetryDelay = TimeSpan.Zero, SecondPassAttempts = 1 });
        var report = await ReachabilityProbe.RunAsync(cluster, plan);
        var cell = report.Cell("nginx-worker-1", "own-bridge");
        Assert.Multiple(() =>
        {
            Assert.That((cell.Observed, cell.ObservedReason), Is.EqualTo((Reach.Error, ProbeReason.ProbeError)));
            Assert.That(cell.Deciding!.Output, Does.Contain("forbidden"), "the server's answer is in the evidence");
        });
    }

    /// <summary>Issue: a probe container that terminated can never be used again (ephemeral containers are never
    /// restarted; changing one is a 422): a new one is added under another name. Before: "ephemeral container
    /// bashcni-probe running in pod nginx-worker-1: terminated (Error )".</summary>
    [Test]
    public async Task ATerminatedProbeContainerIsReplacedUnderAnotherName()
    {
        await using var api = KindApi();
        var (first, _) = await ConnectAsync(api);
        await first.DeployPodAsync(LabPods()[0]);
        await RunningAsync(first, "nginx-worker-1");
        await first.ExecInPodNetworkAsync("nginx-worker-1", ["ping", "-c1", "-W1", "10.244.1.1"]);
        api.TerminatedEphemeral.Add("nginx-worker-1/" + KubernetesCluster.ProbeContainerName);

        // In the same run: the next exec is rejected (the container stopped), the one after runs in a new container.
        var rejected = Assert.ThrowsAsync<PodExecRejectedException>(() => first.ExecInPodNetworkAsync("nginx-worker-1", ["ping", "-c1", "-W1", "10.244.1.1"]));
        var result = await first.ExecInPodNetworkAsync("nginx-worker-1", ["ping", "-c1", "-W1", "10.244.1.1"]);

        Assert.Multiple(() =>
        {
            Assert.That(rejected!.Message, Does.Contain("is not running"));
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(api.Execs.Last().Container, Is.EqualTo(KubernetesCluster.ProbeContainerName + "-2"));
            Assert.That(first.ProbeContainerOf("nginx-worker-1"), Is.EqualTo(KubernetesCluster.ProbeContainerName + "-2"));
            Assert.That(first.ReproduceCommand("nginx-worker-1", ["ping", "-c1", "-W1", "10.244.1.1"]),
                Is.EqualTo("kubectl -n bash-cni-unit exec nginx-worker-1 -c bashcni-probe-2 -- ping -c1 -W1 10.244.1.1"));
            Assert.That(api.Answers.Where(a => a.Path.EndsWith("/ephemeralcontainers", StringComparison.Ordinal)).Select(a => a.Code), Is.All.EqualTo(200),
                "no patch tried to change the stopped container (422)");
        });
        await first.DisposeAsync();
    }

    /// <summary>A later run finds the earlier run's probe container terminated in the pod (kept with --keep).
    /// Before: the wait failed at once with "terminated".</summary>
    [Test]
    public async Task AnEarlierRunsTerminatedProbeContainerIsReplaced()
    {
        await using var api = KindApi();
        var (earlier, _) = await ConnectAsync(api, null, ("BASHCNI_KEEP", "1"));
        await earlier.DeployPodAsync(LabPods()[0]);
        await RunningAsync(earlier, "nginx-worker-1");
        await earlier.PreparePodNetworkExecAsync("nginx-worker-1");
        await earlier.DisposeAsync();
        api.TerminatedEphemeral.Add("nginx-worker-1/" + KubernetesCluster.ProbeContainerName);
        var (later, _) = await ConnectAsync(api);
        await using var __ = later;

        var result = await later.ExecInPodNetworkAsync("nginx-worker-1", ["ping", "-c1", "-W1", "10.244.1.1"]);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(api.Execs.Last().Container, Is.EqualTo(KubernetesCluster.ProbeContainerName + "-2"));
        });
    }

    /// <summary>Issue: a failed first pull (ErrImagePull, then ImagePullBackOff) is not the end: the kubelet retries.
    /// It is "not yet" until the pull budget ends. Before: "ephemeral container bashcni-probe running in pod
    /// nginx-worker-1: waiting (ImagePullBackOff) — the nodes must be able to pull …".</summary>
    [Test]
    public async Task APullThatFailsFirstAndThenSucceedsIsWaitedFor()
    {
        await using var api = KindApi();
        var (cluster, _) = await ConnectAsync(api);
        await using var __ = cluster;
        await cluster.DeployPodAsync(LabPods()[0]);
        await RunningAsync(cluster, "nginx-worker-1");
        api.UnpullableImages.Add(ProbeImage);
        var backOffs = 0;
        api.OnEphemeralStatus = (_, _) => backOffs++ == 0 ? "ErrImagePull" : "ImagePullBackOff";
        cluster.Progress = line =>
        {
            // The registry is back once the back-off was seen: the kubelet's next pull succeeds.
            if (line.Contains("ImagePullBackOff", StringComparison.Ordinal))
            {
                api.UnpullableImages.Remove(ProbeImage);
                api.OnEphemeralStatus = (_, _) => null;
            }
        };

        var result = await cluster.ExecInPodNetworkAsync("nginx-worker-1", ["ping", "-c1", "-W1", "10.244.1.1"]);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(backOffs, Is.GreaterThanOrEqualTo(2), "the failed pull and its back-off were seen");
            Assert.That(api.Execs.Last().Container, Is.EqualTo(KubernetesCluster.ProbeContainerName), "the same container, once its pull succeeded");
        });
    }

    [Test]
    public async Task APullThatNeverSucceedsFailsWhenThePullBudgetEnds()
    {
        await using var api = KindApi();
        var (connected, _) = await ConnectAsync(api);
        await using var cluster = connected;
        await cluster.DeployPodAsync(LabPods()[0]);
        await RunningAsync(cluster, "nginx-worker-1");
        api.UnpullableImages.Add(ProbeImage);
        api.OnEphemeralStatus = (_, _) => "ImagePullBackOff";
        cluster.ProbeContainerTimeout = TimeSpan.FromSeconds(1);

        var e = Assert.ThrowsAsync<TimeoutException>(() => cluster.ExecInPodNetworkAsync("nginx-worker-1", ["ping", "-c1", "-W1", "10.244.1.1"]));
        Assert.That(e!.Message, Does.Contain("ImagePullBackOff").And.Contain(ProbeImage));
    }
}
