using System.Text.Json.Nodes;
using BashCni.Harness.Kubernetes;
using BashCni.Harness.Sandbox;
using k8s.Models;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Infra;

/// <summary>KubernetesCluster against a stand-in API server on 127.0.0.1: nodes, pod create/read/delete, clean-up.</summary>
[TestFixture]
[Category("Unit")]
public sealed class KubernetesClusterApiTests
{
    private static JsonObject Node(string name, string address, string? podCidr) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = podCidr is null ? new JsonObject() : new JsonObject { ["podCIDR"] = podCidr },
        ["status"] = new JsonObject { ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = address }) },
    };

    private static JsonArray KindNodes(bool withCidrs = true) =>
    [
        Node("kind-worker2", "172.18.0.4", withCidrs ? "10.244.2.0/24" : null),
        Node("kind-control-plane", "172.18.0.2", withCidrs ? "10.244.0.0/24" : null),
        Node("kind-worker", "172.18.0.3", withCidrs ? "10.244.1.0/24" : null),
    ];

    private DirectoryInfo _temp = null!;

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("bashcni-kapi-");

    [TearDown]
    public void TearDown() => _temp.Delete(recursive: true);

    private async Task<KubernetesTargetSettings> SettingsAsync(FakeKubernetesApi api)
    {
        var path = Path.Combine(_temp.FullName, "kubeconfig");
        await File.WriteAllTextAsync(path, api.Kubeconfig);
        return KubernetesTargetSettings.FromEnvironment("kind", name => name switch
        {
            "KUBECONFIG" => path,
            "BASHCNI_NAMESPACE" => "bash-cni-unit",
            _ => null,
        });
    }

    [Test]
    public async Task NodesComeFromTheApiUnderTheirLabNamesWithPodCidrAndAddress()
    {
        await using var api = new FakeKubernetesApi(KindNodes());
        await using var cluster = await KubernetesCluster.CreateAsync(await SettingsAsync(api), LocalRunner.Instance);

        Assert.That(cluster.Kind, Is.EqualTo("kind"));
        Assert.That(cluster.Nodes, Is.EqualTo(new[]
        {
            new BashCni.Harness.Cluster.ClusterNode("master", "172.18.0.2", "10.244.0.0/24"),
            new BashCni.Harness.Cluster.ClusterNode("worker-1", "172.18.0.3", "10.244.1.0/24"),
            new BashCni.Harness.Cluster.ClusterNode("worker-2", "172.18.0.4", "10.244.2.0/24"),
        }));
    }

    [Test]
    public async Task PodIsCreatedOnTheMappedNodeReadBackAndDeletedUntilGone()
    {
        await using var api = new FakeKubernetesApi(KindNodes());
        var cluster = await KubernetesCluster.CreateAsync(await SettingsAsync(api), LocalRunner.Instance, (_, node) => new FakeNodeAccess(api, node));
        await using (cluster)
        {
            var pod = new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = "bash-worker-2", NamespaceProperty = "default" },
                Spec = new V1PodSpec
                {
                    NodeSelector = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "worker-2" },
                    Containers = [new V1Container { Name = "bash", Image = "docker.io/library/bash:5" }],
                },
            };
            Assert.That(await cluster.GetPodAsync("bash-worker-2"), Is.Null);
            await cluster.DeployPodAsync(pod);

            var created = JsonNode.Parse(api.Requests.Single(r => r.Method == "POST" && r.Path.EndsWith("/pods", StringComparison.Ordinal)).Body)!;
            Assert.Multiple(() =>
            {
                Assert.That(created["spec"]!["nodeSelector"]!["kubernetes.io/hostname"]!.GetValue<string>(), Is.EqualTo("kind-worker2"));
                Assert.That(created["metadata"]!["namespace"]!.GetValue<string>(), Is.EqualTo("bash-cni-unit"));
                Assert.That(api.Requests.Any(r => r is { Method: "POST", Path: "/api/v1/namespaces" }), Is.True, "the namespace was not created");
            });

            var states = new List<BashCni.Harness.Cluster.PodState?>();
            for (var i = 0; i < 4; i++) states.Add(await cluster.GetPodAsync("bash-worker-2"));
            Assert.That(states[0]!.Phase, Is.EqualTo("Pending"), "a new pod is Pending first (scheduled, container creating)");
            Assert.That(states[^1], Is.EqualTo(new BashCni.Harness.Cluster.PodState("bash-worker-2", "worker-2", "10.244.2.2", "Running")));

            await cluster.DeletePodAsync("bash-worker-2");
            Assert.That(await cluster.GetPodAsync("bash-worker-2"), Is.Null);
            var delete = api.Requests.Single(r => r is { Method: "DELETE", Path: "/api/v1/namespaces/bash-cni-unit/pods/bash-worker-2" });
            Assert.That(delete.Body, Does.Not.Contain("\"gracePeriodSeconds\":0"), "deleted gracefully, so the kubelet runs the teardown first");
        }
        Assert.That(api.Requests.Any(r => r is { Method: "DELETE", Path: "/api/v1/namespaces/bash-cni-unit" }), Is.True,
            "the namespace the cluster created was not removed on disposal");
    }

    [Test]
    public async Task DisposalDeletesPodsLeftBehind()
    {
        await using var api = new FakeKubernetesApi(KindNodes());
        var cluster = await KubernetesCluster.CreateAsync(await SettingsAsync(api), LocalRunner.Instance, (_, node) => new FakeNodeAccess(api, node));
        await cluster.DeployPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "nginx-worker-1" },
            Spec = new V1PodSpec
            {
                NodeSelector = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "worker-1" },
                Containers = [new V1Container { Name = "nginx", Image = "docker.io/library/nginx:1.27" }],
            },
        });
        await cluster.DisposeAsync();
        Assert.That(api.Requests.Any(r => r is { Method: "DELETE", Path: "/api/v1/namespaces/bash-cni-unit/pods/nginx-worker-1" }), Is.True);
    }

    [Test]
    public async Task NodesWithoutPodCidrMakePreparationFailWithTheReason()
    {
        await using var api = new FakeKubernetesApi(KindNodes(withCidrs: false));
        await using var cluster = await KubernetesCluster.CreateAsync(await SettingsAsync(api), LocalRunner.Instance);
        // The pre-flight runs first and says it for every node.
        var e = Assert.ThrowsAsync<PreflightFailedException>(() => cluster.PrepareNodesAsync());
        Assert.That(e!.Message, Does.Contain("FAIL  master: no spec.podCIDR").And.Contain("FAIL  worker-1: no spec.podCIDR")
            .And.Contain("FAIL  worker-2: no spec.podCIDR"));
    }

    [Test]
    public async Task ANodeMapNamingMissingNodesIsRejected()
    {
        await using var api = new FakeKubernetesApi(KindNodes());
        var settings = await SettingsAsync(api) with { NodeMap = NodeNameMap.Parse("worker-1=node-a") };
        var e = Assert.ThrowsAsync<InvalidOperationException>(() => KubernetesCluster.CreateAsync(settings, LocalRunner.Instance));
        Assert.That(e!.Message, Does.Contain("names nodes the cluster does not have: node-a"));
    }
}
