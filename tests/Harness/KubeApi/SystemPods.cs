using System.Collections.Concurrent;
using System.Net;
using BashCni.Harness.Cluster;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BashCni.Harness.KubeApi;

/// <summary>
/// System pods on the <c>local-api</c> target: a CoreDNS stand-in per lab node in <c>kube-system</c>, as kubeadm's
/// CoreDNS Deployment (and kube-proxy-like DaemonSets) put pods on the nodes. A node's pod is created once the node
/// reports Ready (its not-ready taint gone: the plugin's config exists; the scheduler does not place a pod on a
/// tainted node, pkg/scheduler/framework/plugins/tainttoleration), so it takes an address from the plugin on that
/// node. It is restarted as a Deployment's rolling update does it, the new pod first (pkg/controller/deployment/
/// rolling.go: maxSurge before maxUnavailable) and the old one's end later (CoreDNS's lameduck keeps it serving after
/// SIGTERM): the replacement is created when the first other pod on its node is deleted, before the kubelet tears that
/// pod down, and the old one is deleted when the next other pod is created on the node. Points are events, never
/// times: a delete's store check sees another pod's entry come, a re-create's sees one go. Everything goes through the
/// API (an API client, like the controllers).
/// </summary>
public sealed class SystemPods : IAsyncDisposable
{
    public const string Namespace = "kube-system";

    private readonly k8s.Kubernetes _client;
    private readonly IReadOnlyList<string> _nodes;
    private readonly string _image;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _current = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task>> _restarts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _lingering = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _endings = [];
    private Task[] _controllers = [];

    public SystemPods(string kubeconfigPath, IReadOnlyList<string> nodes, string image)
    {
        _client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath));
        _nodes = nodes;
        _image = image;
        foreach (var node in nodes) _current[node] = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>What happened, in order ("coredns-worker-2-1 Running on worker-2 with 10.42.2.2", …).</summary>
    public ConcurrentQueue<string> Events { get; } = new();

    /// <summary>What went wrong (a system pod that did not come up or go); reported when the cluster is torn down.</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    public void Start() => _controllers = [.. _nodes.Select(node => Task.Run(() => RunAsync(node)))];

    private async Task RunAsync(string node)
    {
        try
        {
            await Waits.UntilAsync($"node {node} Ready (for its system pod)", async ct =>
            {
                var list = await _client.CoreV1.ListNodeAsync(cancellationToken: ct).ConfigureAwait(false);
                var ready = list.Items.FirstOrDefault(n => n.Metadata.Name == node)?.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
                return ready?.Status == "True" ? Waits.Probe.Ok : Waits.Probe.NotYet($"Ready={ready?.Status ?? "unknown"}");
            }, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1), _stop.Token).ConfigureAwait(false);
            var name = await CreateAsync(node, 1, _stop.Token).ConfigureAwait(false);
            _current[node].TrySetResult(name);
        }
        catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
        {
            Problems.Enqueue($"system pod on {node}: {e.Message}");
            _current[node].TrySetException(e);
        }
        catch (OperationCanceledException)
        {
            _current[node].TrySetCanceled();
        }
    }

    private async Task<string> CreateAsync(string node, int generation, CancellationToken ct)
    {
        var name = $"coredns-{node}-{generation}";
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace, Labels = new Dictionary<string, string> { ["k8s-app"] = "kube-dns" } },
            Spec = new V1PodSpec
            {
                NodeSelector = new Dictionary<string, string> { ["kubernetes.io/hostname"] = node },
                Tolerations = [new V1Toleration { Key = "node-role.kubernetes.io/control-plane", OperatorProperty = "Exists", Effect = "NoSchedule" }],
                TerminationGracePeriodSeconds = 1,
                Containers = [new V1Container { Name = "coredns", Image = _image, ImagePullPolicy = "IfNotPresent" }],
            },
        };
        await _client.CoreV1.CreateNamespacedPodAsync(pod, Namespace, cancellationToken: ct).ConfigureAwait(false);
        string? ip = null;
        await Waits.UntilAsync($"system pod {name} Running with an IP", async token =>
        {
            var read = await _client.CoreV1.ReadNamespacedPodAsync(name, Namespace, cancellationToken: token).ConfigureAwait(false);
            ip = read.Status?.PodIP;
            return read.Status?.Phase == "Running" && ip is { Length: > 0 } ? Waits.Probe.Ok : Waits.Probe.NotYet($"phase {read.Status?.Phase}");
        }, TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
        Events.Enqueue($"{name} Running on {node} with {ip}");
        return name;
    }

    /// <summary>For <see cref="CriKubelet.BeforeTeardown"/>: the first time another pod on a node is deleted, that node's
    /// system pod is restarted first (once per node). Failures are recorded, never thrown into the other pod's teardown.</summary>
    public Task BeforeTeardownAsync(ApiPod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.Namespace == Namespace || !_current.ContainsKey(pod.NodeName)) return Task.CompletedTask;
        return _restarts.GetOrAdd(pod.NodeName, node => new Lazy<Task>(() => RestartAsync(node, $"{pod.Namespace}/{pod.Name}"))).Value;
    }

    private async Task RestartAsync(string node, string because)
    {
        try
        {
            var old = await _current[node].Task.WaitAsync(TimeSpan.FromMinutes(2), _stop.Token).ConfigureAwait(false);
            var replacement = await CreateAsync(node, 2, _stop.Token).ConfigureAwait(false);
            _lingering[node] = old;
            _current[node] = CompletedWith(replacement);
            Events.Enqueue($"{replacement} replaces {old} on {node} (before {because} was torn down); {old} ends when the next pod starts there");
        }
        catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
        {
            Problems.Enqueue($"restarting the system pod on {node}: {e.Message}");
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>For <see cref="CriKubelet.PodBinding"/>: another pod bound to a node ends the node's old system pod (once).</summary>
    public void PodBound(ApiPod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.Namespace == Namespace || !_lingering.TryRemove(pod.NodeName, out var old)) return;
        _endings.Add(Task.Run(async () =>
        {
            try
            {
                await DeleteAsync(old, _stop.Token).ConfigureAwait(false);
                Events.Enqueue($"{old} gone from {pod.NodeName} (as {pod.Namespace}/{pod.Name} started there)");
            }
            catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
            {
                Problems.Enqueue($"ending the old system pod {old} on {pod.NodeName}: {e.Message}");
            }
            catch (OperationCanceledException)
            {
                _lingering.TryAdd(pod.NodeName, old);
            }
        }));
    }

    private static TaskCompletionSource<string> CompletedWith(string name)
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult(name);
        return done;
    }

    /// <summary>Graceful deletion, waited until the object is gone (the kubelet has run the plugin's DEL).</summary>
    private async Task DeleteAsync(string name, CancellationToken ct)
    {
        try
        {
            await _client.CoreV1.DeleteNamespacedPodAsync(name, Namespace, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return;
        }
        await Waits.UntilAsync($"system pod {name} gone", async token =>
        {
            try
            {
                await _client.CoreV1.ReadNamespacedPodAsync(name, Namespace, cancellationToken: token).ConfigureAwait(false);
                return Waits.Probe.NotYet("terminating");
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return Waits.Probe.Ok;
            }
        }, TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
    }

    /// <summary>Stops the controllers and deletes every system pod (their sandboxes stopped: the plugin's DEL); throws
    /// with what went wrong during the run.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var task in _controllers.Concat(_restarts.Values.Where(l => l.IsValueCreated).Select(l => l.Value)).Concat(_endings))
            await task.ConfigureAwait(false); // each catches its own failures
        var left = _nodes.Where(n => _current[n].Task.IsCompletedSuccessfully).Select(n => (Node: n, Pod: _current[n].Task.Result))
            .Concat(_lingering.Select(l => (Node: l.Key, Pod: l.Value))).ToList();
        foreach (var (node, pod) in left)
        {
            try
            {
                await DeleteAsync(pod, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpOperationException or TimeoutException or HttpRequestException)
            {
                Problems.Enqueue($"deleting the system pod on {node}: {e.Message}");
            }
        }
        _client.Dispose();
        _stop.Dispose();
        if (!Problems.IsEmpty) throw new InvalidOperationException("system pods: " + string.Join("; ", Problems));
    }
}
