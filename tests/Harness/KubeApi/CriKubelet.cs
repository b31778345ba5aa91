using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using BashCni.Harness.Cluster;
using BashCni.Harness.Cri.V1;
using BashCni.Harness.Sandbox;
using Grpc.Core;
using k8s;
using k8s.Models;

namespace BashCni.Harness.KubeApi;

/// <summary>
/// The kubelet side of the API model on the embedded cluster's nodes (<see cref="LocalCluster"/>): a bound pod's
/// sandbox runs on its node through CRI (containerd calls the plugin's ADD), its containers are created from the
/// node's local images, status carries the sandbox's IP and the runtime's container states, exec is CRI ExecSync in
/// the container, an ephemeral container is a container created in the pod's sandbox, and deletion stops and
/// removes the sandbox (the plugin's DEL) before the object may go. Kubelet's order of work follows
/// pkg/kubelet/kuberuntime/kuberuntime_manager.go SyncPod (sandbox first, then image pull and container start per
/// container; ephemeral containers the same way, kuberuntime_container.go startContainer) and killPodWithSyncResult
/// (StopPodSandbox after the containers); a missing image reads ErrImagePull, then ImagePullBackOff on the next
/// sync (pkg/kubelet/images/image_manager.go EnsureImageExists, images.ErrImagePull / ErrImagePullBackOff).
/// Each read of a pod is one kubelet sync: a failed step is tried again there, never on a timer.
/// </summary>
public sealed class CriKubelet(LocalCluster cluster) : IKubeletBackend
{
    private readonly ConcurrentDictionary<string, CriPodRun> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _networkReady = new(StringComparer.Ordinal);

    /// <summary>Images the nodes fail to pull once (the first pull of each on each node fails, the next succeeds).</summary>
    public ConcurrentDictionary<string, bool> FlakyImages { get; } = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, int> _pullFailures = new(StringComparer.Ordinal);

    /// <summary>What the nodes' registry serves beyond their own stores: image name → an image every node has, whose
    /// content the pull stores under that name (ctr images tag; the nodes are offline). An image neither in the node's
    /// store nor here cannot be pulled.</summary>
    public ConcurrentDictionary<string, string> Registry { get; } = new(StringComparer.Ordinal);

    /// <summary>Work the node's kubelet does before it stops a deleted pod (e.g. a system pod restarted on the same
    /// node first); the pod's teardown waits for it.</summary>
    public Func<ApiPod, Task>? BeforeTeardown { get; set; }

    /// <summary>Told of every pod bound to a node (under the API's lock: it must not block).</summary>
    public Action<ApiPod>? PodBinding { get; set; }

    /// <summary>Pulls that reached the registry, in order: (node, image, outcome) — "failed: …" or "pulled".</summary>
    public ConcurrentQueue<(string Node, string Image, string Outcome)> Pulls { get; } = new();

    public async Task RefreshNodesAsync(CancellationToken cancellationToken)
    {
        foreach (var node in cluster.Nodes)
        {
            var cri = cluster.NodeOf(node.Name).Cri;
            if (cri is null) continue;
            var status = await cri.Runtime.StatusAsync(new StatusRequest(), cancellationToken: cancellationToken).ConfigureAwait(false);
            _networkReady[node.Name] = status.Status?.Conditions.FirstOrDefault(c => c.Type == "NetworkReady") is { Status: true };
        }
    }

    public bool? NodeReady(string nodeName) => _networkReady.GetValueOrDefault(nodeName);

    public void PodBound(ApiPod pod)
    {
        var run = new CriPodRun(pod, KubernetesJson.Deserialize<V1Pod>(pod.Object.ToJsonString()));
        _runs[pod.Uid] = run;
        pod.Object["status"] = PodStatusJson.Pod(false, NodeAddress(pod.NodeName), null,
            new JsonArray([.. run.Spec.Spec.Containers.Select(c => (JsonNode)PodStatusJson.Container(c.Name, c.Image, false, PodStatusJson.Waiting("ContainerCreating", null), ""))]),
            []);
        run.Start = Task.Run(() => StartAsync(run));
        PodBinding?.Invoke(pod);
    }

    private string NodeAddress(string nodeName) => cluster.Nodes.First(n => n.Name == nodeName).Address;

    private async Task StartAsync(CriPodRun run)
    {
        var pod = run.Spec;
        var node = run.Pod.NodeName;
        await cluster.WaitForImagesAsync(node, CancellationToken.None).ConfigureAwait(false);
        var cri = cluster.NodeOf(node).RequireCri();
        if (run.SandboxId is null)
        {
            run.SandboxConfig = PodTranslator.SandboxConfig(pod, run.Pod.Uid, cluster.CgroupParentOf(run.Pod.Uid), run.SandboxAttempt++);
            try
            {
                run.SandboxId = (await cri.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = run.SandboxConfig }).ConfigureAwait(false)).PodSandboxId;
                run.SandboxError = null;
            }
            catch (RpcException e)
            {
                // pkg/kubelet/kuberuntime/kuberuntime_manager.go: "Failed to create sandbox for pod" (an event); the pod
                // stays ContainerCreating and the next sync tries again.
                run.SandboxError = e.Status.Detail;
                return;
            }
        }
        foreach (var container in pod.Spec.Containers) await StartContainerAsync(run, container).ConfigureAwait(false);
        foreach (var container in pod.Spec.EphemeralContainers ?? [])
            await StartContainerAsync(run, new V1Container { Name = container.Name, Image = container.Image, Command = container.Command, Args = container.Args, Env = container.Env, SecurityContext = container.SecurityContext })
                .ConfigureAwait(false);
    }

    private async Task StartContainerAsync(CriPodRun run, V1Container container)
    {
        if (run.ContainerIds.ContainsKey(container.Name) || run.SandboxId is null) return;
        var cri = cluster.NodeOf(run.Pod.NodeName).RequireCri();
        if (run.Failures.TryGetValue(container.Name, out var failed) && failed["waiting"]?["reason"]?.GetValue<string>() == "ErrImagePull"
            && run.BackedOff.TryAdd(container.Name, true))
        {
            // image_manager.go: after a failed pull the next sync is inside the back-off window: ImagePullBackOff,
            // no pull; the sync after it pulls again.
            run.Failures[container.Name] = PodStatusJson.Waiting("ImagePullBackOff",
                $"Back-off pulling image \"{container.Image}\": {failed["waiting"]?["message"]?.GetValue<string>()}");
            return;
        }
        if (await PullAsync(run, container).ConfigureAwait(false) is { } pullError)
        {
            run.Failures[container.Name] = run.Failures.ContainsKey(container.Name)
                ? PodStatusJson.Waiting("ImagePullBackOff", $"Back-off pulling image \"{container.Image}\": {pullError}")
                : PodStatusJson.Waiting("ErrImagePull", $"failed to pull image \"{container.Image}\": {pullError}");
            return;
        }
        try
        {
            var created = await cri.Runtime.CreateContainerAsync(new CreateContainerRequest
            {
                PodSandboxId = run.SandboxId,
                Config = PodTranslator.ContainerConfig(run.Spec, container, run.Pod.Uid),
                SandboxConfig = run.SandboxConfig,
            }).ConfigureAwait(false);
            run.ContainerIds[container.Name] = created.ContainerId;
            run.Failures.TryRemove(container.Name, out _);
            await cri.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = created.ContainerId }).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            // kuberuntime_container.go startContainer: CreateContainerError / RunContainerError.
            run.Failures[container.Name] = PodStatusJson.Waiting(run.ContainerIds.ContainsKey(container.Name) ? "RunContainerError" : "CreateContainerError", e.Status.Detail);
        }
    }

    /// <summary>EnsureImageExists: present in the node's store, or an error (the nodes are offline: an image that is not
    /// there cannot be pulled; a flaky one fails its first pull on each node).</summary>
    private async Task<string?> PullAsync(CriPodRun run, V1Container container)
    {
        var node = cluster.NodeOf(run.Pod.NodeName);
        var cri = node.RequireCri();
        // imagePullPolicy IfNotPresent: an image in the node's store is not pulled (image_manager.go EnsureImageExists).
        var image = await cri.Images.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = container.Image } }).ConfigureAwait(false);
        if (image.Image is not null) return null;
        var key = run.Pod.NodeName + " " + container.Image;
        if (FlakyImages.ContainsKey(container.Image) && _pullFailures.TryAdd(key, 1))
        {
            const string Failed = "rpc error: code = Unknown desc = failed to pull and unpack image: unexpected EOF (the first pull on this node fails)";
            Pulls.Enqueue((run.Pod.NodeName, container.Image, "failed: " + Failed));
            return Failed;
        }
        if (!Registry.TryGetValue(container.Image, out var source))
            return $"rpc error: code = NotFound desc = failed to resolve reference \"{container.Image}\": not in node {run.Pod.NodeName}'s store and no registry is reachable";
        await LocalRunner.Instance.RunCheckedAsync("ctr",
            ["--address", node.ContainerdSocket, "-n", "k8s.io", "images", "tag", "--force", source, container.Image]).ConfigureAwait(false);
        Pulls.Enqueue((run.Pod.NodeName, container.Image, "pulled"));
        return null;
    }

    public async Task RefreshPodAsync(ApiPod pod, CancellationToken cancellationToken)
    {
        try
        {
            await SyncPodAsync(pod, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (pod.Deleted || e.StatusCode is StatusCode.NotFound)
        {
            // The sandbox went while this sync read it (a deletion in progress): the status stays as last read.
        }
    }

    private async Task SyncPodAsync(ApiPod pod, CancellationToken cancellationToken)
    {
        if (!_runs.TryGetValue(pod.Uid, out var run) || pod.Deleted) return;
        if (run.Start is { IsCompleted: true } done)
        {
            // One kubelet sync: what did not come up (sandbox, pull, container) is tried again, once per read.
            var missing = run.SandboxId is null || run.Failures.Count > 0 || done.IsFaulted;
            if (missing) run.Start = Task.Run(() => StartAsync(run));
        }
        var statuses = new JsonArray();
        var ephemeral = new JsonArray();
        string? ip = null;
        var sandboxReady = false;
        var states = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var running = new HashSet<string>(StringComparer.Ordinal);
        if (run.SandboxId is { } sandboxId)
        {
            var cri = cluster.NodeOf(pod.NodeName).RequireCri();
            var sandbox = await cri.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = sandboxId }, cancellationToken: cancellationToken).ConfigureAwait(false);
            sandboxReady = sandbox.Status?.State == PodSandboxState.SandboxReady;
            ip = string.IsNullOrEmpty(sandbox.Status?.Network?.Ip) ? null : sandbox.Status.Network.Ip;
            foreach (var (name, id) in run.ContainerIds)
            {
                var status = (await cri.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id }, cancellationToken: cancellationToken).ConfigureAwait(false)).Status;
                states[name] = status.State switch
                {
                    ContainerState.ContainerRunning => PodStatusJson.Running(),
                    ContainerState.ContainerExited => PodStatusJson.Terminated(status.ExitCode, string.IsNullOrEmpty(status.Reason) ? "Error" : status.Reason, status.Message),
                    _ => PodStatusJson.Waiting("ContainerCreating", null),
                };
                if (status.State == ContainerState.ContainerRunning) running.Add(name);
            }
        }
        JsonObject StateOf(string name) =>
            states.GetValueOrDefault(name) ?? (run.Failures.TryGetValue(name, out var failure) ? (JsonObject)failure.DeepClone()
                : PodStatusJson.Waiting("ContainerCreating", run.SandboxError is { } why ? $"failed to create the pod sandbox: {why}" : null));
        var regular = run.Spec.Spec.Containers;
        foreach (var c in regular)
            statuses.Add(PodStatusJson.Container(c.Name, c.Image, running.Contains(c.Name), StateOf(c.Name), run.ContainerIds.ContainsKey(c.Name) ? "sha256:local" : ""));
        foreach (var c in run.Spec.Spec.EphemeralContainers ?? [])
            ephemeral.Add(PodStatusJson.Container(c.Name, c.Image, false, StateOf(c.Name), null));
        var podRunning = sandboxReady && regular.All(c => running.Contains(c.Name));
        var anyExited = states.Where(s => regular.Any(c => c.Name == s.Key)).Any(s => s.Value.ContainsKey("terminated"));
        run.Running = running;
        run.Status = PodStatusJson.Pod(podRunning, NodeAddress(pod.NodeName), sandboxReady ? ip : null, statuses, ephemeral,
            phase: podRunning ? "Running" : anyExited ? "Failed" : "Pending");
    }

    public void BeforeRead(ApiPod pod)
    {
        if (_runs.TryGetValue(pod.Uid, out var run) && run.Status is { } status) pod.Object["status"] = status.DeepClone();
    }

    public void AfterRead(ApiPod pod)
    {
    }

    public void DeletionStarted(ApiPod pod)
    {
        if (!_runs.TryGetValue(pod.Uid, out var run)) return;
        run.Stop ??= Task.Run(() => StopAsync(run));
    }

    private async Task StopAsync(CriPodRun run)
    {
        if (BeforeTeardown is { } before) await before(run.Pod).ConfigureAwait(false);
        if (run.Start is { } start)
        {
            try
            {
                await start.ConfigureAwait(false);
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException or TimeoutException)
            {
                // what did not start needs no stopping; the sandbox (if any) is stopped below
            }
        }
        if (run.SandboxId is not { } id) return;
        var cri = cluster.NodeOf(run.Pod.NodeName).RequireCri();
        // StopPodSandbox runs the plugin's DEL; an error leaves the object in place (the next sync tries again).
        await cri.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id }).ConfigureAwait(false);
        await cri.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id }).ConfigureAwait(false);
    }

    public bool AdvanceTeardown(ApiPod pod)
    {
        if (!_runs.TryGetValue(pod.Uid, out var run)) return true;
        if (run.Stop is null) return false;
        if (!run.Stop.IsCompleted) return false;
        if (run.Stop.IsFaulted)
        {
            // kubelet retries the teardown on its next sync; the failure stays visible as the object that does not go.
            run.LastStopError = run.Stop.Exception?.GetBaseException().Message;
            run.Stop = Task.Run(() => StopAsync(run));
            return false;
        }
        _runs.TryRemove(pod.Uid, out _);
        return true;
    }

    public void EphemeralAdded(ApiPod pod, string name, JsonObject container)
    {
        if (!_runs.TryGetValue(pod.Uid, out var run)) return;
        var spec = KubernetesJson.Deserialize<V1EphemeralContainer>(container.ToJsonString());
        (run.Spec.Spec.EphemeralContainers ??= []).Add(spec);
        var previous = run.Start ?? Task.CompletedTask;
        run.Start = Task.Run(async () =>
        {
            try
            {
                await previous.ConfigureAwait(false);
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException or TimeoutException)
            {
                // the pod's own start failed: the next read's sync starts it (and this container) again
            }
            await StartContainerAsync(run, new V1Container { Name = spec.Name, Image = spec.Image, Command = spec.Command, Args = spec.Args, Env = spec.Env, SecurityContext = spec.SecurityContext })
                .ConfigureAwait(false);
        });
    }

    public bool ContainerRunning(ApiPod pod, string container) =>
        _runs.TryGetValue(pod.Uid, out var run) && run.Running.Contains(container);

    public async Task<ExecOutcome> ExecAsync(ApiPod pod, string container, string image, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        if (!_runs.TryGetValue(pod.Uid, out var run) || !run.ContainerIds.TryGetValue(container, out var id))
            return new ExecOutcome(-1, "", "", $"container {container} of pod {pod.Name} has no runtime container");
        var request = new ExecSyncRequest { ContainerId = id, Timeout = 60 };
        request.Cmd.AddRange(command);
        try
        {
            var response = await cluster.NodeOf(pod.NodeName).RequireCri().Runtime.ExecSyncAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ExecOutcome(response.ExitCode, response.Stdout.ToStringUtf8(), response.Stderr.ToStringUtf8());
        }
        catch (RpcException e)
        {
            // containerd container_execsync.go: the runtime could not start the process (e.g. executable not found).
            return new ExecOutcome(-1, "", "", $"failed to exec in container: {e.Status.Detail}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var run in _runs.Values)
        {
            foreach (var task in new[] { run.Start, run.Stop })
            {
                if (task is null) continue;
                try
                {
                    await task.ConfigureAwait(false);
                }
                catch (Exception e) when (e is RpcException or InvalidOperationException or TimeoutException)
                {
                    // the local cluster's teardown removes every sandbox that is left and reports what it could not
                }
            }
        }
    }

    private sealed class CriPodRun(ApiPod pod, V1Pod spec)
    {
        public ApiPod Pod { get; } = pod;
        public V1Pod Spec { get; } = spec;
        public PodSandboxConfig? SandboxConfig { get; set; }
        public uint SandboxAttempt { get; set; }
        public volatile string? SandboxId;
        public volatile string? SandboxError;
        public volatile string? LastStopError;
        public ConcurrentDictionary<string, string> ContainerIds { get; } = new(StringComparer.Ordinal);
        public ConcurrentDictionary<string, JsonObject> Failures { get; } = new(StringComparer.Ordinal);
        public ConcurrentDictionary<string, bool> BackedOff { get; } = new(StringComparer.Ordinal);
        public volatile Task? Start;
        public volatile Task? Stop;
        public volatile IReadOnlySet<string> Running = new HashSet<string>();
        public volatile JsonObject? Status;
    }
}
