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
/// KubernetesCluster against the strict API double (<see cref="FakeKubernetesApi"/>): the things a real API server
/// and kubelet do that broke every real run — concurrent namespace creation (409), a Terminating namespace (403),
/// graceful deletion racing the node's teardown, exec of a binary the image does not have.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class KubernetesClusterStrictApiTests
{
    private DirectoryInfo _temp = null!;

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("bashcni-kstrict-");

    [TearDown]
    public void TearDown() => _temp.Delete(recursive: true);

    private static JsonObject Node(string name, string address, string podCidr) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["podCIDR"] = podCidr },
        ["status"] = new JsonObject { ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = address }) },
    };

    private static FakeKubernetesApi KindApi() => new(
    [
        Node("kind-control-plane", "172.18.0.2", "10.244.0.0/24"),
        Node("kind-worker", "172.18.0.3", "10.244.1.0/24"),
        Node("kind-worker2", "172.18.0.4", "10.244.2.0/24"),
    ]);

    private async Task<KubernetesCluster> ConnectAsync(FakeKubernetesApi api)
    {
        var path = Path.Combine(_temp.FullName, "kubeconfig");
        await File.WriteAllTextAsync(path, api.Kubeconfig);
        var settings = KubernetesTargetSettings.FromEnvironment("kind", name => name switch
        {
            "KUBECONFIG" => path,
            "BASHCNI_NAMESPACE" => "bash-cni-unit",
            _ => null,
        });
        return await KubernetesCluster.CreateAsync(settings, LocalRunner.Instance, (_, clusterName) => new FakeNodeAccess(api, clusterName));
    }

    private static IReadOnlyList<V1Pod> LabPods() =>
        KubernetesYaml.LoadAllFromString(File.ReadAllText(RepoPaths.Fixture("deploy.yaml"))).OfType<V1Pod>().ToList();

    private static async Task<PodState> RunningAsync(ICluster cluster, string name)
    {
        // The double advances one kubelet step per read: a bounded number of reads, no clock.
        for (var read = 0; read < 20; read++)
        {
            if (await cluster.GetPodAsync(name) is { Phase: "Running", Ip: not null } state) return state;
        }
        Assert.Fail($"pod {name} did not reach Running with an IP in 20 reads");
        return null!;
    }

    [Test]
    public async Task FourPodsDeployedAtOnceIntoAFreshNamespaceAllGetCreated()
    {
        await using var api = KindApi();
        api.HoldNamespaceReadsUntil(4); // all four read "no namespace" before any creates it
        await using var cluster = await ConnectAsync(api);
        var pods = LabPods();

        await Task.WhenAll(pods.Select(p => cluster.DeployPodAsync(p)));

        var podCreates = api.Answers.Where(a => a is { Method: "POST" } && a.Path.EndsWith("/pods", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(podCreates.Select(a => a.Code), Is.EqualTo(new[] { 201, 201, 201, 201 }), "every pod was created");
            Assert.That(api.Answers.Count(a => a is { Method: "POST", Path: "/api/v1/namespaces", Code: 201 }), Is.EqualTo(1),
                "the namespace was created once");
        });
    }

    [Test]
    public async Task DeployIntoANamespaceStillTerminatingWaitsUntilItIsGoneThenCreatesIt()
    {
        await using var api = KindApi();
        api.AddNamespace("bash-cni-unit", terminating: true); // a quick re-run: the last run's teardown is still going on
        await using var cluster = await ConnectAsync(api);

        await cluster.DeployPodAsync(LabPods()[0]);

        Assert.Multiple(() =>
        {
            Assert.That(api.Answers.Count(a => a is { Method: "POST", Path: "/api/v1/namespaces", Code: 201 }), Is.EqualTo(1),
                "the namespace was created again once the old one was gone");
            Assert.That(api.Answers.Last(a => a.Method == "POST" && a.Path.EndsWith("/pods", StringComparison.Ordinal)).Code, Is.EqualTo(201));
        });
    }

    [Test]
    public async Task DeletedPodHasLeftItsNodeWhenDeletionReturns()
    {
        await using var api = KindApi();
        await using var cluster = await ConnectAsync(api);
        var pod = LabPods().Single(p => p.Metadata.Name == "bash-worker-2");
        await cluster.DeployPodAsync(pod);
        var state = await RunningAsync(cluster, "bash-worker-2");
        var before = api.NodeHolds("kind-worker2", state.Ip!, null);
        Assert.That(before.StoreOwner, Is.Not.Null, "the node's store holds the running pod's address");
        var veth = PodNodeState.HostVethName(before.StoreOwner!, "eth0");

        await cluster.DeletePodAsync("bash-worker-2");

        var after = api.NodeHolds("kind-worker2", state.Ip!, veth);
        Assert.Multiple(() =>
        {
            Assert.That(after.StoreOwner, Is.Null, $"node kind-worker2 still holds {state.Ip} for {before.StoreOwner} after DeletePodAsync returned");
            Assert.That(after.LinkPresent, Is.False, $"host veth {veth} still exists after DeletePodAsync returned");
        });
    }

    /// <summary>
    /// A plugin that hands an address out twice leaves one store entry for two pods, the later pod's: deleting the
    /// earlier pod returns once it is gone and leaves that entry alone (before, it waited for the other pod's entry to
    /// go until NodeTeardownTimeout, 2 minutes, ran out, and threw).
    /// </summary>
    [Test]
    public async Task DeletingAPodWhoseAddressAnotherPodAlsoGotDoesNotWaitForTheOthersStoreEntry()
    {
        await using var api = KindApi();
        api.Scripted.HandsOutAddressesTwice = true;
        await using var cluster = await ConnectAsync(api);
        var pods = LabPods().Where(p => p.Metadata.Name is "nginx-worker-1" or "bash-worker-1").ToList();
        await cluster.DeployPodAsync(pods[0]);
        var first = await RunningAsync(cluster, pods[0].Metadata.Name);
        await cluster.DeployPodAsync(pods[1]);
        var second = await RunningAsync(cluster, pods[1].Metadata.Name);
        Assert.That(second.Ip, Is.EqualTo(first.Ip), "the scripted plugin handed the address out twice");
        var entry = api.NodeHolds("kind-worker", first.Ip!, null).StoreOwner;

        // No clock here: the deletion returns, or throws once its own wait for the node (NodeTeardownTimeout) ran out.
        await cluster.DeletePodAsync(first.Name);

        var left = await cluster.GetPodAsync(first.Name);
        Assert.Multiple(() =>
        {
            Assert.That(api.NodeHolds("kind-worker", first.Ip!, null).StoreOwner, Is.EqualTo(entry), $"{second.Name}'s store entry of {first.Ip} changed");
            Assert.That(left, Is.Null, $"{first.Name} is still in the API");
        });
    }

    [Test]
    public async Task ProbesFromThePodsWhoseImageHasNoPingStillMeasureTheNetwork()
    {
        await using var api = KindApi();
        await using var cluster = await ConnectAsync(api);
        var labPods = LabPods();
        foreach (var pod in labPods) await cluster.DeployPodAsync(pod);
        var pods = new List<PodState>();
        foreach (var pod in labPods) pods.Add(await RunningAsync(cluster, pod.Metadata.Name));
        // Everything answers in the double's network: the routed stage expects exactly that.
        var plan = ProbePlan.Create(ExpectedMatrix.ForStage(Stages.Routed), cluster.Nodes, pods,
            new ReachabilityOptions { OutsideHost = "198.51.100.1", RetryDelay = TimeSpan.Zero, SecondPassAttempts = 1 });

        var report = await ReachabilityProbe.RunAsync(cluster, plan);

        Assert.That(report.Diff.IsEmpty, Is.True, report.ToString());
        var nginx = report.Cells.Where(c => c.Source.StartsWith("nginx-", StringComparison.Ordinal)).SelectMany(c => c.Attempts).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(nginx, Is.Not.Empty);
            Assert.That(nginx.Select(a => a.Via).Distinct(), Is.EqualTo(new[] { KubernetesCluster.ProbeVia }), "how the nginx rows were probed");
            Assert.That(report.RenderEvidence(), Does.Contain("via " + KubernetesCluster.ProbeVia), "the report says how each probe ran");
            Assert.That(api.Execs.Where(e => e.Pod.StartsWith("nginx-", StringComparison.Ordinal)).Select(e => e.Container).Distinct(),
                Is.EqualTo(new[] { KubernetesCluster.ProbeContainerName }), "probes ran in the debug container, not in nginx");
        });
    }

    [Test]
    public async Task AFailedImagePullIsReportedAsTheReasonNotWaitedOut()
    {
        await using var api = KindApi();
        api.UnpullableImages.Add("docker.io/library/nginx:1.27");
        await using var cluster = await ConnectAsync(api);
        var seen = new List<string>();
        cluster.Progress = line => { lock (seen) seen.Add(line); };
        await cluster.DeployPodAsync(LabPods()[0]);

        PodState? state = null;
        for (var read = 0; read < 5 && state?.Problem is null; read++) state = await cluster.GetPodAsync("nginx-worker-1");

        Assert.Multiple(() =>
        {
            Assert.That(state!.Problem, Does.StartWith("ErrImagePull").Or.StartWith("ImagePullBackOff"));
            Assert.That(seen, Has.Some.Contains("pod nginx-worker-1: scheduled on kind-worker"), "progress shows the pod scheduled");
        });
    }

    [Test]
    public async Task AProbeContainerWhoseImageCannotBePulledFailsNamingTheImage()
    {
        await using var api = KindApi();
        await using var cluster = await ConnectAsync(api);
        await cluster.DeployPodAsync(LabPods()[0]);
        await RunningAsync(cluster, "nginx-worker-1");
        api.UnpullableImages.Add("docker.io/nicolaka/netshoot:v0.13");
        api.OnEphemeralStatus = (_, _) => "ErrImagePull";
        cluster.ProbeContainerTimeout = TimeSpan.FromSeconds(1); // the pull budget: the kubelet's retries are waited for until it ends

        var e = Assert.ThrowsAsync<TimeoutException>(() => cluster.ExecInPodNetworkAsync("nginx-worker-1", ["ping", "-c1", "10.244.2.2"]));
        Assert.That(e!.Message, Does.Contain("ErrImagePull").And.Contain("docker.io/nicolaka/netshoot:v0.13"));
    }

    [Test]
    public async Task ExecAnswersAsTheKubeletDoes_ExitCodesAndAMissingBinary()
    {
        await using var api = KindApi();
        api.OnExec = (_, _, command) => command[0] == "sh" ? (3, "out", "err") : (0, "", "");
        await using var cluster = await ConnectAsync(api);
        await cluster.DeployPodAsync(LabPods()[0]);
        await RunningAsync(cluster, "nginx-worker-1");

        var nonZero = await cluster.ExecInPodAsync("nginx-worker-1", ["sh", "-c", "exit 3"]);
        var missing = await cluster.ExecInPodAsync("nginx-worker-1", ["ping", "-c1", "10.244.2.2"]);
        var viaDebug = await cluster.ExecInPodNetworkAsync("nginx-worker-1", ["ping", "-c1", "10.244.2.2"]);

        Assert.Multiple(() =>
        {
            Assert.That((nonZero.ExitCode, nonZero.Stdout, nonZero.Stderr), Is.EqualTo((3, "out", "err")), "NonZeroExitCode status → the exit code");
            Assert.That(missing.ExitCode, Is.EqualTo(127), "InternalError status (no such binary in nginx) → 127");
            Assert.That(missing.Stderr, Does.Contain("executable file not found in $PATH"));
            Assert.That(ProbeCommands.Classify(ProbeProtocol.Icmp, missing.ExitCode, missing.Stdout, missing.Stderr), Is.EqualTo(ProbeOutcome.Error), "a probe error, never 'no'");
            Assert.That(viaDebug.ExitCode, Is.Zero, viaDebug.ToString());
            Assert.That(api.Execs.Last().Container, Is.EqualTo(KubernetesCluster.ProbeContainerName));
        });
    }
}
