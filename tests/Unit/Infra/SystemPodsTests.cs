using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using BashCni.Harness.Cluster;
using k8s;
using k8s.Autorest;
using k8s.Models;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Infra;

/// <summary>
/// The realistic profile's CoreDNS stand-ins (<see cref="SystemPods"/>) against the strict API double, its kubelet side
/// scripted and hooked as the CRI kubelet hooks them (<see cref="CriKubelet.PodBinding"/>,
/// <see cref="CriKubelet.BeforeTeardown"/>): one system pod per node once the node is Ready; the first deletion of
/// another pod on a node restarts that node's system pod before the deleted pod is torn down (the replacement first,
/// as a Deployment's rolling update); the next pod bound there ends the old one; disposing deletes every system pod.
/// Every point is an event of the double; the waits are bounded guards only.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class SystemPodsTests
{
    private const string Image = "docker.io/library/nginx:1.27";
    private const string TestNamespace = "bash-cni-unit";
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(1);
    private DirectoryInfo _temp = null!;

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("bashcni-systempods-");

    [TearDown]
    public void TearDown() => _temp.Delete(recursive: true);

    /// <summary>The scripted kubelet with the nodes Ready and the system pods' hooks where the CRI kubelet calls them:
    /// a bound pod is told to <see cref="SystemPods.PodBound"/>; a deleted pod's teardown waits for
    /// <see cref="SystemPods.BeforeTeardownAsync"/>.</summary>
    private sealed class HookedKubelet(ScriptedKubelet inner) : IKubeletBackend
    {
        private readonly ConcurrentDictionary<string, Task> _before = new(StringComparer.Ordinal);

        public SystemPods? System { get; set; }

        public bool? NodeReady(string nodeName) => true;

        public void PodBound(ApiPod pod)
        {
            inner.PodBound(pod);
            System?.PodBound(pod);
        }

        public void BeforeRead(ApiPod pod) => inner.BeforeRead(pod);

        public void AfterRead(ApiPod pod) => inner.AfterRead(pod);

        public void DeletionStarted(ApiPod pod)
        {
            inner.DeletionStarted(pod);
            if (System is { } system) _before[pod.Uid] = Task.Run(() => system.BeforeTeardownAsync(pod));
        }

        public bool AdvanceTeardown(ApiPod pod) =>
            (!_before.TryGetValue(pod.Uid, out var before) || before.IsCompleted) && inner.AdvanceTeardown(pod);

        public void EphemeralAdded(ApiPod pod, string name, JsonObject container) => inner.EphemeralAdded(pod, name, container);

        public bool ContainerRunning(ApiPod pod, string container) => inner.ContainerRunning(pod, container);

        public Task<ExecOutcome> ExecAsync(ApiPod pod, string container, string image, IReadOnlyList<string> command, CancellationToken cancellationToken) =>
            inner.ExecAsync(pod, container, image, command, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private static V1Pod Pod(string name, string node) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = TestNamespace },
        Spec = new V1PodSpec
        {
            NodeSelector = new Dictionary<string, string> { ["kubernetes.io/hostname"] = node },
            TerminationGracePeriodSeconds = 1,
            Containers = [new V1Container { Name = "web", Image = Image }],
        },
    };

    private static async Task<V1Pod?> ReadAsync(k8s.Kubernetes client, string ns, string name)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedPodAsync(name, ns);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Reads the pod (each read is one kubelet sync of the double) until it runs with an IP.</summary>
    private static async Task<string> RunningAsync(k8s.Kubernetes client, string ns, string name)
    {
        string? ip = null;
        await Waits.UntilAsync($"pod {ns}/{name} Running with an IP", async _ =>
        {
            var pod = await ReadAsync(client, ns, name);
            ip = pod?.Status?.PodIP;
            return pod?.Status?.Phase == "Running" && ip is { Length: > 0 } ? Waits.Probe.Ok : Waits.Probe.NotYet($"phase {pod?.Status?.Phase ?? "gone"}");
        }, Guard, TimeSpan.FromMilliseconds(20));
        return ip!;
    }

    /// <summary>Reads the pod until it is gone (each read of a deleted pod is one teardown sync).</summary>
    private static Task GoneAsync(k8s.Kubernetes client, string ns, string name) =>
        Waits.UntilAsync($"pod {ns}/{name} gone", async _ =>
            await ReadAsync(client, ns, name) is null ? Waits.Probe.Ok : Waits.Probe.NotYet("still there"), Guard, TimeSpan.FromMilliseconds(20));

    private static async Task<IReadOnlyList<string>> SystemPodNamesAsync(k8s.Kubernetes client) =>
        (await client.CoreV1.ListPodForAllNamespacesAsync()).Items.Where(p => p.Metadata.NamespaceProperty == SystemPods.Namespace)
            .Select(p => p.Metadata.Name).Order(StringComparer.Ordinal).ToList();

    [Test]
    public async Task SystemPodsComeUpPerNodeAreRestartedBeforeAnotherPodsTeardownAndAllGoWhenDisposed()
    {
        var nodes = LocalApiTarget.NodeObjects([new ClusterNode("worker-1", "10.0.1.11", "10.42.1.0/24"), new ClusterNode("worker-2", "10.0.1.12", "10.42.2.0/24")]);
        var kubelet = new HookedKubelet(new ScriptedKubelet(nodes));
        await using var api = new FakeKubernetesApi(nodes, kubelet);
        api.AddNamespace(SystemPods.Namespace);
        api.AddNamespace(TestNamespace);
        var kubeconfig = Path.Combine(_temp.FullName, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, api.Kubeconfig);
        using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        var system = new SystemPods(kubeconfig, ["worker-1", "worker-2"], Image);
        kubelet.System = system;
        var disposed = false;
        try
        {
            system.Start();
            var dns1 = await RunningAsync(client, SystemPods.Namespace, "coredns-worker-1-1");
            var dns2 = await RunningAsync(client, SystemPods.Namespace, "coredns-worker-2-1");
            await client.CoreV1.CreateNamespacedPodAsync(Pod("web", "worker-1"), TestNamespace);
            var web = await RunningAsync(client, TestNamespace, "web");

            await client.CoreV1.DeleteNamespacedPodAsync("web", TestNamespace);
            await GoneAsync(client, TestNamespace, "web");
            var afterDelete = await SystemPodNamesAsync(client);
            var replacement = await ReadAsync(client, SystemPods.Namespace, "coredns-worker-1-2");

            await client.CoreV1.CreateNamespacedPodAsync(Pod("web2", "worker-1"), TestNamespace);
            await GoneAsync(client, SystemPods.Namespace, "coredns-worker-1-1");
            // The test's own read can see the old pod gone before SystemPods' deletion has seen it and recorded it;
            // disposing before then would cancel that deletion. Wait for SystemPods to have recorded it.
            await Waits.UntilAsync("SystemPods recorded the old pod's end", _ => ValueTask.FromResult(
                system.Events.Any(e => e.StartsWith("coredns-worker-1-1 gone from worker-1", StringComparison.Ordinal))
                    ? Waits.Probe.Ok : Waits.Probe.NotYet($"{system.Events.Count} events")), Guard, TimeSpan.FromMilliseconds(20));
            var afterNextPod = await SystemPodNamesAsync(client);

            disposed = true;
            await system.DisposeAsync();
            var afterDispose = await SystemPodNamesAsync(client);
            var events = system.Events.ToList();

            Assert.Multiple(() =>
            {
                Assert.That(new[] { dns1, dns2, web }, Is.Unique, "the system pods and the other pod got addresses of their own");
                Assert.That(afterDelete, Is.EqualTo(new[] { "coredns-worker-1-1", "coredns-worker-1-2", "coredns-worker-2-1" }),
                    "once the deleted pod was gone, worker-1's system pod had its replacement beside it (the old one ends later); worker-2's was not restarted");
                Assert.That(replacement?.Status?.Phase, Is.EqualTo("Running"), "the replacement ran before the deleted pod's teardown finished");
                Assert.That(replacement?.Status?.PodIP, Is.Not.EqualTo(dns1).And.Not.Null, "the replacement took an address of its own");
                Assert.That(afterNextPod, Is.EqualTo(new[] { "coredns-worker-1-2", "coredns-worker-2-1" }), "the next pod bound on worker-1 ended the old system pod");
                Assert.That(afterDispose, Is.Empty, "disposing deleted every system pod");
                Assert.That(events, Has.Some.StartsWith("coredns-worker-1-2 replaces coredns-worker-1-1 on worker-1 (before bash-cni-unit/web was torn down)"));
                Assert.That(events, Has.Some.StartsWith("coredns-worker-1-1 gone from worker-1 (as bash-cni-unit/web2 started there)"));
            });
        }
        finally
        {
            if (!disposed)
            {
                try
                {
                    await system.DisposeAsync();
                }
                catch (InvalidOperationException e)
                {
                    await TestContext.Out.WriteLineAsync($"system pods after a failed test: {e.Message}");
                }
            }
        }
    }
}
