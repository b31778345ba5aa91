using System.Net;
using BashCni.Harness.Cluster;
using BashCni.Harness.Reachability;
using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace BashCni.Harness.Kubernetes;

/// <summary>
/// A real Kubernetes cluster (kind, kubeadm, the lab's AWS nodes) behind <see cref="ICluster"/>: nodes and their
/// <c>spec.podCIDR</c> from the API, pods created in one namespace with the lab's node names mapped onto the
/// cluster's, exec through the API's websocket, node preparation and diagnostics over an <see cref="INodeAccess"/>.
/// Node names seen by the tests are the lab's (master, worker-1, worker-2) wherever the node map says so.
/// </summary>
public sealed class KubernetesCluster : ICluster
{
    private const string HostnameLabel = "kubernetes.io/hostname";

    /// <summary>The ephemeral container every probe runs in (added once per source pod).</summary>
    public const string ProbeContainerName = "bashcni-probe";

    /// <summary>How probes reach a pod's network namespace on a real cluster (<see cref="ProbeAttempt.Via"/>).</summary>
    public const string ProbeVia = "ephemeral container";
    private readonly k8s.Kubernetes _client;
    private readonly KubernetesTargetSettings _settings;
    private readonly IReadOnlyDictionary<string, INodeAccess> _access;
    private readonly IAsyncDisposable? _owned;
    private readonly HashSet<string> _deployed = new(StringComparer.Ordinal);
    private readonly Lock _deployedLock = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task>> _probeContainers = new(StringComparer.Ordinal);
    private volatile bool _createdNamespace;
    private volatile bool _namespaceReady;
    private int _disposed;

    private KubernetesCluster(k8s.Kubernetes client, KubernetesTargetSettings settings, IReadOnlyList<ClusterNode> nodes,
        IReadOnlyDictionary<string, INodeAccess> access, IAsyncDisposable? owned)
    {
        _client = client;
        _settings = settings;
        Nodes = nodes;
        _access = access;
        _owned = owned;
    }

    public string Kind => _settings.Target;

    public IReadOnlyList<ClusterNode> Nodes { get; }

    /// <summary>The target's pod network (BASHCNI_POD_NETWORK; kubeadm's --pod-network-cidr, kind's podSubnet).</summary>
    public string PodNetwork => _settings.PodNetwork;

    /// <summary>Lab node names ↔ the cluster's.</summary>
    public NodeNameMap NodeMap => _settings.NodeMap;

    /// <summary>The namespace the test pods live in.</summary>
    public string Namespace => _settings.Namespace;

    /// <summary>How long a pod may take to go away after its deletion (default 2 minutes).</summary>
    public TimeSpan PodDeletionTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one exec in a pod may take (default 60 s).</summary>
    public TimeSpan ExecTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a Terminating namespace of an earlier run may take to go before this run creates it again (default 3 minutes).</summary>
    public TimeSpan NamespaceTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>How long the node may take to tear a deleted pod down after the API object is gone (default 2 minutes).</summary>
    public TimeSpan NodeTeardownTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the probe container of a pod may take to run, image pull included (default 5 minutes).</summary>
    public TimeSpan ProbeContainerTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The image of the probe container: the lab's tool pod image (fixtures/deploy.yaml's bash pods), so the
    /// nodes have it already; it carries ping, curl, wget and ip.</summary>
    public string ProbeImage { get; set; } = "docker.io/nicolaka/netshoot:v0.13";

    /// <summary>The plugin directory a lab node is prepared from (default: the plugin under test for every node; the
    /// cluster self-test installs deliberately broken variants this way).</summary>
    public Func<string, string> PluginDirOf { get; set; } = _ => RepoPaths.PluginDir;

    /// <summary>What owns the cluster's machinery (disposed with it), e.g. the <c>local-api</c> target's embedded nodes.</summary>
    public IAsyncDisposable? Owned => _owned;

    /// <summary>Where progress lines go (pods scheduled, pulling, running; probe containers). Default: nowhere.</summary>
    public Action<string> Progress { get; set; } = _ => { };

    /// <summary>
    /// Connects to the cluster the settings name and reads its nodes. Throws <see cref="ClusterNotConfiguredException"/>
    /// when the settings lack what is needed (KUBECONFIG, SSH key). <paramref name="owned"/> (e.g. provisioned machines)
    /// is disposed with the cluster.
    /// </summary>
    public static async Task<KubernetesCluster> CreateAsync(KubernetesTargetSettings settings, ICommandRunner runner,
        IAsyncDisposable? owned = null, CancellationToken cancellationToken = default) =>
        await CreateAsync(settings, runner, null, owned, cancellationToken).ConfigureAwait(false);

    /// <summary>As <see cref="CreateAsync(KubernetesTargetSettings, ICommandRunner, IAsyncDisposable?, CancellationToken)"/>,
    /// with the node access made by <paramref name="accessFactory"/> (lab name, cluster name) instead of the settings
    /// (a node double in unit tests).</summary>
    public static async Task<KubernetesCluster> CreateAsync(KubernetesTargetSettings settings, ICommandRunner runner,
        Func<string, string, INodeAccess>? accessFactory, IAsyncDisposable? owned = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(runner);
        settings.EnsureUsable();
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(settings.KubeconfigPath!, settings.KubeContext);
        var client = new k8s.Kubernetes(config);
        try
        {
            var list = await client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var nodes = new List<ClusterNode>();
            var access = new Dictionary<string, INodeAccess>(StringComparer.Ordinal);
            foreach (var node in list.Items.OrderBy(n => settings.NodeMap.ToLab(n.Metadata.Name), StringComparer.Ordinal))
            {
                var clusterName = node.Metadata.Name;
                var labName = settings.NodeMap.ToLab(clusterName);
                var address = node.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address ?? "";
                nodes.Add(new ClusterNode(labName, address, node.Spec?.PodCIDR ?? ""));
                access[labName] = accessFactory?.Invoke(labName, clusterName) ?? CreateAccess(settings, runner, labName, clusterName, address);
            }
            var missing = settings.NodeMap.Pairs.Values.Except(list.Items.Select(n => n.Metadata.Name)).ToList();
            if (missing.Count > 0)
                throw new InvalidOperationException(
                    $"BASHCNI_NODE_MAP names nodes the cluster does not have: {string.Join(", ", missing)} " +
                    $"(cluster nodes: {string.Join(", ", list.Items.Select(n => n.Metadata.Name))})");
            Evidence.Attach("cluster nodes", string.Join('\n', nodes.Select(n => $"{n.Name} ({settings.NodeMap.ToCluster(n.Name)}) {n.Address} podCIDR={n.PodCidr}")));
            return new KubernetesCluster(client, settings, nodes, access, owned);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The reachability matrix's "outside" target: BASHCNI_OUTSIDE_HOST, else (once <see cref="PrepareNodesAsync"/>
    /// ran) the control-plane node's default gateway; null before that.</summary>
    public string? OutsideAddress { get; private set; }

    /// <summary>The host pods try to reach in the reachability matrix's "outside" column: BASHCNI_OUTSIDE_HOST, or
    /// the control-plane node's default gateway (a host outside the pod network that the nodes reach).</summary>
    public async Task<string> GetOutsideHostAsync(CancellationToken cancellationToken = default)
    {
        if (_settings.OutsideHost is { } configured) return configured;
        if (OutsideAddress is { } known) return known;
        var master = Nodes.FirstOrDefault(n => n.Name == "master") ?? Nodes[0];
        var result = await RunOnNodeAsync(master.Name, "ip -4 route show default | awk '{print $3; exit}'", cancellationToken)
            .ConfigureAwait(false);
        var gateway = result.EnsureSuccess().Stdout.Trim();
        return gateway.Length > 0 ? OutsideAddress = gateway
            : throw new InvalidOperationException($"node {master.Name} has no default route; set BASHCNI_OUTSIDE_HOST");
    }

    /// <summary>The images the lab's pods and the probe container use (checked by the pre-flight).</summary>
    public IReadOnlyList<string> Images { get; init; } = ["docker.io/library/nginx:1.27", "docker.io/nicolaka/netshoot:v0.13"];

    /// <summary>The pre-flight report, once <see cref="PreflightAsync"/> ran.</summary>
    public string? PreflightReport { get; private set; }

    /// <summary>Checks the cluster before anything is installed (see <see cref="Preflight"/>); writes the report to
    /// the progress output and the test report; throws <see cref="PreflightFailedException"/> when it is not usable.</summary>
    public async Task PreflightAsync(CancellationToken cancellationToken = default)
    {
        var kinds = string.Join("/", LabNodes.Of(Nodes).Select(n => _access[n.Name].Kind).Distinct(StringComparer.Ordinal));
        var (report, passed) = await Evidence.StepAsync($"pre-flight over {kinds} on the lab nodes (outside host from master)", async () =>
        {
            var (report, passed) = await Preflight.RunAsync(Nodes, _settings.NodeMap, (node, script, ct) => RunOnNodeAsync(node, script, ct),
                Images.Append(ProbeImage).Distinct(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
            var (outsideOk, outsideLine) = await CheckOutsideHostAsync(cancellationToken).ConfigureAwait(false);
            report += (outsideOk ? "  ok    " : "  FAIL  ") + outsideLine + "\n";
            Evidence.Attach("pre-flight", report);
            return (report, passed && outsideOk);
        }).ConfigureAwait(false);
        PreflightReport = report;
        Progress(report.TrimEnd());
        if (!passed) throw new PreflightFailedException(report);
    }

    /// <summary>The reachability matrix's "outside" host must answer ping from the control-plane node itself (the
    /// default, that node's default gateway, is e.g. a cloud's VPC router, which may not): else the routed stage
    /// would blame the plugin for a host that never answers.</summary>
    private async Task<(bool Ok, string Line)> CheckOutsideHostAsync(CancellationToken cancellationToken)
    {
        var master = Nodes.FirstOrDefault(n => n.Name == "master");
        if (master is null) return (false, "outside host: not checked, the cluster has no lab node master");
        string host;
        CommandResult result;
        try
        {
            host = await GetOutsideHostAsync(cancellationToken).ConfigureAwait(false);
            result = await RunOnNodeAsync(master.Name, Preflight.OutsideHostScript(host), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The node access failing is reported by the node checks above; this line says what it means here.
            return (false, $"outside host: not checked from {master.Name}: {e.Message.ReplaceLineEndings(" ")} (or set BASHCNI_OUTSIDE_HOST)");
        }
        return Preflight.OutsideHostLine(host, _settings.OutsideHost is not null, master.Name, result);
    }

    public async Task PrepareNodesAsync(CancellationToken cancellationToken = default)
    {
        if (PreflightReport is null) await PreflightAsync(cancellationToken).ConfigureAwait(false);
        // Only the three mapped lab nodes run the lab's pods; other nodes (a fourth worker, nodes whose podCIDR is
        // none of ours) are left as they are.
        var labNodes = LabNodes.Of(Nodes);
        var withoutCidr = labNodes.Where(n => n.PodCidr.Length == 0).Select(n => n.Name).ToList();
        if (withoutCidr.Count > 0)
            throw new InvalidOperationException(
                $"nodes without spec.podCIDR: {string.Join(", ", withoutCidr)} — create the cluster with a pod network CIDR " +
                "(kind: networking.podSubnet; kubeadm: --pod-network-cidr) so the controller manager assigns node subnets");
        foreach (var node in labNodes)
            await PluginInstaller.InstallAsync(_access[node.Name], PluginDirOf(node.Name), node.PodCidr, _settings.PodNetwork,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        OutsideAddress = await GetOutsideHostAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DeployPodAsync(V1Pod pod, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pod);
        await EnsureNamespaceAsync(cancellationToken).ConfigureAwait(false);
        var copy = MapPod(pod, _settings.NodeMap, Namespace);
        var name = copy.Metadata.Name;
        if (await GetPodAsync(name, cancellationToken).ConfigureAwait(false) is not null)
            await DeletePodAsync(name, cancellationToken).ConfigureAwait(false);
        await Evidence.StepAsync($"create pod {name} on {(copy.Spec.NodeSelector is { } sel && sel.TryGetValue(HostnameLabel, out var target) ? target : "any node")}", async () =>
        {
            Evidence.Attach($"pod {name}", KubernetesYaml.Serialize(copy), "text/yaml", "yaml");
            try
            {
                await _client.CoreV1.CreateNamespacedPodAsync(copy, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden && e.Response.Content.Contains("being terminated", StringComparison.Ordinal))
            {
                // NamespaceLifecycle admission: the namespace began terminating after we looked. Wait it out, create again.
                _namespaceReady = false;
                await EnsureNamespaceAsync(cancellationToken).ConfigureAwait(false);
                await _client.CoreV1.CreateNamespacedPodAsync(copy, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        lock (_deployedLock) _deployed.Add(name);
    }

    /// <summary>A copy of <paramref name="pod"/> for this cluster: namespace set, the hostname nodeSelector mapped onto
    /// the cluster's node name, and a toleration for the control plane's taint (the lab schedules pods there too).</summary>
    public static V1Pod MapPod(V1Pod pod, NodeNameMap map, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(map);
        var copy = KubernetesJson.Deserialize<V1Pod>(KubernetesJson.Serialize(pod));
        copy.Metadata ??= new V1ObjectMeta();
        if (string.IsNullOrEmpty(copy.Metadata.Name)) throw new ArgumentException("the pod has no name", nameof(pod));
        copy.Metadata.NamespaceProperty = @namespace;
        copy.Metadata.ResourceVersion = null;
        copy.Metadata.Uid = null;
        copy.Status = null;
        copy.Spec ??= new V1PodSpec();
        if (copy.Spec.NodeSelector is { } selector && selector.TryGetValue(HostnameLabel, out var labNode))
            selector[HostnameLabel] = map.ToCluster(labNode);
        if (!string.IsNullOrEmpty(copy.Spec.NodeName)) copy.Spec.NodeName = map.ToCluster(copy.Spec.NodeName);
        copy.Spec.Tolerations ??= [];
        if (!copy.Spec.Tolerations.Any(t => t.Key == "node-role.kubernetes.io/control-plane"))
            copy.Spec.Tolerations.Add(new V1Toleration { Key = "node-role.kubernetes.io/control-plane", OperatorProperty = "Exists", Effect = "NoSchedule" });
        copy.Spec.TerminationGracePeriodSeconds ??= 1;
        return copy;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _podStages = new(StringComparer.Ordinal);

    /// <summary>Where a pod is on its way up (scheduled, pulling, running, ready) and what stops it (a failed pull).</summary>
    public static (string Stage, string? Problem) Stage(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.Metadata?.DeletionTimestamp is not null) return ("terminating", null);
        if (string.IsNullOrEmpty(pod.Spec?.NodeName)) return ("not scheduled yet", null);
        var statuses = pod.Status?.ContainerStatuses ?? [];
        var waiting = statuses.Select(c => c.State?.Waiting).FirstOrDefault(w => w is not null);
        if (waiting?.Reason is "ErrImagePull" or "ImagePullBackOff" or "InvalidImageName" or "CreateContainerConfigError")
            return ($"{waiting.Reason}", $"{waiting.Reason}: {waiting.Message}");
        if (pod.Status?.Phase == "Running")
            return (statuses.Count > 0 && statuses.All(c => c.Ready) ? "ready" : "running", null);
        if (pod.Status?.Phase is "Failed" or "Succeeded") return (pod.Status.Phase, $"phase {pod.Status.Phase}");
        return (waiting?.Reason is { Length: > 0 } r ? $"scheduled on {pod.Spec.NodeName}, {r} (pulling the image or setting up the network)"
            : $"scheduled on {pod.Spec.NodeName}", null);
    }

    public async Task<PodState?> GetPodAsync(string podName, CancellationToken cancellationToken = default)
    {
        var pod = await ReadPodAsync(podName, cancellationToken).ConfigureAwait(false);
        if (pod is null) return null;
        var node = pod.Spec?.NodeName is { Length: > 0 } n ? _settings.NodeMap.ToLab(n) : "";
        var (stage, problem) = Stage(pod);
        if (_podStages.TryGetValue(podName, out var last) is false || last != stage)
        {
            _podStages[podName] = stage;
            Progress($"pod {podName}: {stage}");
        }
        return new PodState(podName, node, pod.Status?.PodIP is { Length: > 0 } ip ? ip : null, pod.Status?.Phase ?? "Unknown") { Problem = problem };
    }

    /// <summary>
    /// Deletes the pod gracefully (its terminationGracePeriodSeconds) and returns once the API object is gone AND its
    /// node no longer holds it: the address's IPAM store entry and the host veth are gone, i.e. the kubelet has run the
    /// plugin's DEL. (Deleting with gracePeriodSeconds 0 removes the API object at once, before the kubelet acts.)
    /// </summary>
    public async Task DeletePodAsync(string podName, CancellationToken cancellationToken = default)
    {
        await Evidence.StepAsync($"delete pod {podName} (graceful; waited until the API object is gone and the node's store entry and host veth are gone)", async () =>
        {
            var pod = await ReadPodAsync(podName, cancellationToken).ConfigureAwait(false);
            var ip = pod?.Status?.PodIP is { Length: > 0 } a ? a : null;
            var node = pod?.Spec?.NodeName is { Length: > 0 } n ? _settings.NodeMap.ToLab(n) : null;
            PodNodeState? before = null;
            string? veth = null;
            if (ip is not null && node is not null)
            {
                before = await NodeStateAsync(node, ip, null, cancellationToken).ConfigureAwait(false);
                if (before.StoreOwner is { } owner) veth = PodNodeState.HostVethName(owner, before.StoreIfname ?? "eth0");
            }
            try
            {
                await _client.CoreV1.DeleteNamespacedPodAsync(podName, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
            }
            await Waits.UntilAsync($"pod {podName} gone from the API after its deletion", async ct =>
                await ReadPodAsync(podName, ct).ConfigureAwait(false) is { } left
                    ? Waits.Probe.NotYet(left.Metadata.DeletionTimestamp is null ? "no deletionTimestamp yet" : "terminating (deletionTimestamp set)")
                    : Waits.Probe.Ok, PodDeletionTimeout, TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            if (before?.StoreOwner is { } id && node is not null)
            {
                PodNodeState? last = null;
                await Waits.UntilAsync($"node {node} done with pod {podName} ({ip}, container {id})", async ct =>
                {
                    last = await NodeStateAsync(node, ip!, veth, ct).ConfigureAwait(false);
                    var storeHeld = last.StoreOwner == id;
                    return storeHeld || last.HostVethPresent ? Waits.Probe.NotYet(last.ToString()) : Waits.Probe.Ok;
                }, NodeTeardownTimeout, TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
                Evidence.Attach($"node {node} after deleting {podName}", $"{ip}: store entry of {id} gone, host veth {veth} gone");
            }
        }).ConfigureAwait(false);
        lock (_deployedLock) _deployed.Remove(podName);
    }

    private async Task<PodNodeState> NodeStateAsync(string node, string ip, string? veth, CancellationToken cancellationToken)
    {
        var result = await AccessFor(node).RunAsync(PodNodeState.Script(ip, veth), cancellationToken).ConfigureAwait(false);
        return PodNodeState.Parse(result.EnsureSuccess().Stdout);
    }

    /// <summary>How probes reach a pod's network namespace here: <see cref="ProbeVia"/>.</summary>
    public string PodNetworkVia => ProbeVia;

    /// <summary>
    /// Runs <paramref name="command"/> in the pod's network namespace from an ephemeral container
    /// (<see cref="ProbeContainerName"/>, image <see cref="ProbeImage"/>) added to the pod once, as <c>kubectl debug</c>
    /// does (a strategic merge patch of the ephemeralcontainers subresource, stable since Kubernetes 1.25). The pod's own
    /// image needs no tools: the official nginx image has no ping. An exec the server rejects (e.g. the probe
    /// container stopped since) throws <see cref="PodExecRejectedException"/>; the next call looks at the pod again
    /// and replaces a stopped probe container.
    /// </summary>
    public async Task<CommandResult> ExecInPodNetworkAsync(string podName, IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        await PreparePodNetworkExecAsync(podName, cancellationToken).ConfigureAwait(false);
        var container = ProbeContainerOf(podName);
        try
        {
            return await ExecAsync(podName, container, command, $"kubectl debug … {podName} ({container})", cancellationToken).ConfigureAwait(false);
        }
        catch (PodExecRejectedException)
        {
            foreach (var key in _probeContainers.Keys.Where(k => k.StartsWith(podName + "/", StringComparison.Ordinal)))
                _probeContainers.TryRemove(key, out _);
            throw;
        }
    }

    /// <summary>The kubectl command that repeats <paramref name="command"/> in the pod's probe container.</summary>
    public string ReproduceCommand(string podName, IReadOnlyList<string> command) =>
        "kubectl " + (_settings.KubeContext is { } context ? $"--context {PlannedProbe.Quote([context])} " : "") +
        $"-n {PlannedProbe.Quote([Namespace])} exec {PlannedProbe.Quote([podName])} -c {ProbeContainerOf(podName)} -- {PlannedProbe.Quote(command)}";

    /// <summary>The probe container the pod's probes run in now (<see cref="ProbeContainerName"/>, or the one that
    /// replaced it).</summary>
    public string ProbeContainerOf(string podName) => _probeContainerNames.GetValueOrDefault(podName, ProbeContainerName);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _probeContainerNames = new(StringComparer.Ordinal);

    /// <summary>Adds the probe container to the pod (once per pod) and waits until it runs (bounded by <see cref="ProbeContainerTimeout"/>).</summary>
    public async Task PreparePodNetworkExecAsync(string podName, CancellationToken cancellationToken = default)
    {
        var pod = await ReadPodAsync(podName, cancellationToken).ConfigureAwait(false)
                  ?? throw new InvalidOperationException($"pod {podName} does not exist in namespace {Namespace}");
        var key = podName + "/" + (pod.Metadata.Uid ?? "");
        var ready = _probeContainers.GetOrAdd(key, _ => new Lazy<Task>(() => AddProbeContainerAsync(podName, CancellationToken.None)));
        try
        {
            await ready.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _probeContainers.TryRemove(new KeyValuePair<string, Lazy<Task>>(key, ready));
            throw;
        }
    }

    /// <summary>
    /// Makes a probe container run in the pod. Ephemeral containers are never restarted, removed or changed (a change
    /// is a 422: validation.ValidatePodEphemeralContainersUpdate), so one that terminated, or that names another
    /// image, is replaced by a new one under another name (bashcni-probe-2, -3, …). A failed pull
    /// (ErrImagePull, ImagePullBackOff) is "not yet": the kubelet retries it with back-off
    /// (pkg/kubelet/images/image_manager.go) until <see cref="ProbeContainerTimeout"/>, the pull budget, ends;
    /// InvalidImageName never recovers and fails at once.
    /// </summary>
    private async Task AddProbeContainerAsync(string podName, CancellationToken cancellationToken)
    {
        var pod = await ReadPodAsync(podName, cancellationToken).ConfigureAwait(false)
                  ?? throw new InvalidOperationException($"pod {podName} does not exist in namespace {Namespace}");
        var name = ChooseProbeContainer(pod, out var add, out var why);
        if (add)
        {
            var patch = new
            {
                spec = new
                {
                    ephemeralContainers = new[]
                    {
                        new { name, image = ProbeImage, imagePullPolicy = "IfNotPresent", command = new[] { "sleep", "infinity" } },
                    },
                },
            };
            Progress($"pod {podName}: adding ephemeral container {name} ({ProbeImage}){(why is null ? "" : $": {why}")}");
            await _client.CoreV1.PatchNamespacedPodEphemeralcontainersAsync(
                new V1Patch(KubernetesJson.Serialize(patch), V1Patch.PatchType.StrategicMergePatch), podName, Namespace,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        string? lastSeen = null;
        await Waits.UntilAsync($"ephemeral container {name} running in pod {podName}", async ct =>
        {
            var current = await ReadPodAsync(podName, ct).ConfigureAwait(false);
            if (current is null) return Waits.Probe.Failed("the pod is gone");
            var status = current.Status?.EphemeralContainerStatuses?.FirstOrDefault(c => c.Name == name);
            var seen = status?.State?.Running is not null ? "running"
                : status?.State?.Terminated is { } t ? $"terminated ({t.Reason} {t.Message})"
                : status?.State?.Waiting is { } w ? $"waiting ({w.Reason}{(w.Message is { Length: > 0 } m ? ": " + m : "")})"
                : "no status yet";
            if (seen != lastSeen) Progress($"pod {podName}: probe container {name} {seen}");
            lastSeen = seen;
            return seen switch
            {
                "running" => Waits.Probe.Ok,
                _ when status?.State?.Terminated is not null => Waits.Probe.Failed(seen),
                _ when status?.State?.Waiting?.Reason is "InvalidImageName" => Waits.Probe.Failed($"{seen} — {ProbeImage} is not a valid image name"),
                _ when status?.State?.Waiting?.Reason is "ErrImagePull" or "ImagePullBackOff" =>
                    Waits.Probe.NotYet($"{seen} — the kubelet retries the pull; the nodes must be able to pull {ProbeImage}"),
                _ => Waits.Probe.NotYet(seen),
            };
        }, ProbeContainerTimeout, TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        _probeContainerNames[podName] = name;
    }

    /// <summary>The probe container to use in <paramref name="pod"/>: the newest of ours if it may still run, else a
    /// new name (<paramref name="add"/>; <paramref name="why"/> says why the old one is not used).</summary>
    public string ChooseProbeContainer(V1Pod pod, out bool add, out string? why)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var ours = (pod.Spec?.EphemeralContainers ?? []).Where(c => IsProbeContainerName(c.Name)).ToList();
        why = null;
        add = true;
        if (ours.Count == 0) return ProbeContainerName;
        var latest = ours[^1];
        var status = pod.Status?.EphemeralContainerStatuses?.FirstOrDefault(c => c.Name == latest.Name);
        if (status?.State?.Terminated is { } t) why = $"{latest.Name} terminated ({t.Reason}, exit {t.ExitCode})";
        else if (status?.State?.Waiting?.Reason is "InvalidImageName") why = $"{latest.Name} can never start (InvalidImageName)";
        else if (latest.Image != ProbeImage) why = $"{latest.Name} runs {latest.Image}, not {ProbeImage}";
        if (why is null)
        {
            add = false;
            return latest.Name;
        }
        var taken = new HashSet<string>((pod.Spec?.Containers ?? []).Select(c => c.Name)
            .Concat((pod.Spec?.InitContainers ?? []).Select(c => c.Name))
            .Concat((pod.Spec?.EphemeralContainers ?? []).Select(c => c.Name)), StringComparer.Ordinal);
        var n = ours.Count + 1;
        while (taken.Contains($"{ProbeContainerName}-{n}")) n++;
        return $"{ProbeContainerName}-{n}";
    }

    private static bool IsProbeContainerName(string name) =>
        name == ProbeContainerName || (name.StartsWith(ProbeContainerName + "-", StringComparison.Ordinal)
                                       && int.TryParse(name.AsSpan(ProbeContainerName.Length + 1), out _));

    public async Task<CommandResult> ExecInPodAsync(string podName, IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var pod = await ReadPodAsync(podName, cancellationToken).ConfigureAwait(false)
                  ?? throw new InvalidOperationException($"pod {podName} does not exist in namespace {Namespace}");
        return await ExecAsync(podName, pod.Spec.Containers[0].Name, command, $"kubectl exec {podName}", cancellationToken).ConfigureAwait(false);
    }

    private async Task<CommandResult> ExecAsync(string podName, string container, IReadOnlyList<string> command, string how,
        CancellationToken cancellationToken)
    {
        var line = $"{how} -- {string.Join(' ', command)}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ExecTimeout);
        var stdout = "";
        var stderr = "";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int exitCode;
        try
        {
            exitCode = await _client.NamespacedPodExecAsync(podName, Namespace, container, command, false,
                async (_, output, error) =>
                {
                    using var outReader = new StreamReader(output);
                    using var errReader = new StreamReader(error);
                    var o = outReader.ReadToEndAsync(timeout.Token);
                    var e = errReader.ReadToEndAsync(timeout.Token);
                    await Task.WhenAll(o, e).ConfigureAwait(false);
                    stdout = o.Result;
                    stderr = e.Result;
                }, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"timed out after {ExecTimeout.TotalSeconds:F0} s: {line}");
        }
        catch (KubernetesException e)
        {
            // The kubelet could not start the command (e.g. executable not found): an InternalError status on the
            // error channel, not an exit code. Report it as the shell would.
            exitCode = 127;
            stderr += e.Message;
        }
        catch (System.Net.WebSockets.WebSocketException e)
        {
            // The server refused the upgrade (RBAC 403, unknown or stopped container 400, kubelet 500): the websocket
            // client keeps only the status code. Ask once more without the upgrade to read the server's answer, as
            // kubernetes-client/csharp's StreamConnectAsync did before it dropped that retry.
            var answer = await ServerAnswerAsync(podName, container, command, cancellationToken).ConfigureAwait(false);
            throw new PodExecRejectedException(podName, container, answer ?? e.Message, e);
        }
        return new CommandResult(line, exitCode, stdout, stderr, clock.Elapsed);
    }

    /// <summary>The status and message the API server answers to the exec request without a websocket upgrade, or
    /// null when that request failed as well.</summary>
    private async Task<string?> ServerAnswerAsync(string podName, string container, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var query = string.Join('&', command.Select(c => "command=" + Uri.EscapeDataString(c))
            .Append("container=" + Uri.EscapeDataString(container)).Append("stdout=true").Append("stderr=true"));
        var baseUri = _client.BaseUri.ToString().TrimEnd('/');
        var uri = new Uri($"{baseUri}/api/v1/namespaces/{Uri.EscapeDataString(Namespace)}/pods/{Uri.EscapeDataString(podName)}/exec?{query}");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (_client.Credentials is { } credentials) await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
            using var response = await _client.HttpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            string message;
            try
            {
                message = KubernetesJson.Deserialize<V1Status>(body) is { Message: { Length: > 0 } m } ? m : body.Trim();
            }
            catch (System.Text.Json.JsonException)
            {
                message = body.Trim();
            }
            return $"{(int)response.StatusCode} {response.ReasonPhrase}: {message}";
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return null;
        }
    }

    /// <summary>Pods of every namespace on the node with an address and no deletionTimestamp (system pods included).</summary>
    public async Task<IReadOnlyDictionary<string, string>?> LivePodAddressesAsync(string nodeName, CancellationToken cancellationToken = default)
    {
        var list = await _client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: $"spec.nodeName={_settings.NodeMap.ToCluster(nodeName)}",
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var live = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pod in list.Items.Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.PodIP is { Length: > 0 }))
            live[pod.Status.PodIP] = $"{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}";
        return live;
    }

    public Task<CommandResult> RunOnNodeAsync(string nodeName, string script, CancellationToken cancellationToken = default) =>
        AccessFor(nodeName).RunAsync(script, cancellationToken);

    public async Task<IReadOnlyDictionary<string, string>> CollectDiagnosticsAsync(string nodeName, CancellationToken cancellationToken = default)
    {
        var access = AccessFor(nodeName);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (title, script) in NodeDiagnostics.Scripts)
        {
            try
            {
                var r = await access.RunAsync(script, cancellationToken).ConfigureAwait(false);
                result[title] = r.Stdout + (r.Stderr.Length > 0 ? "\n--- stderr\n" + r.Stderr : "");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                result[title] = $"could not collect: {e.Message}";
            }
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        // What could not be removed is reported (thrown after everything was released): a pod whose deletion fails
        // may be a failing CNI DEL, which the cluster layer's teardown check must show.
        var problems = new List<string>();
        try
        {
            if (!_settings.Keep)
            {
                string[] leftovers;
                lock (_deployedLock) leftovers = [.. _deployed];
                foreach (var name in leftovers)
                {
                    try { await DeletePodAsync(name).ConfigureAwait(false); }
                    catch (Exception e) when (e is HttpOperationException or TimeoutException or HttpRequestException)
                    {
                        problems.Add($"pod {name} could not be deleted: {e.Message}");
                    }
                }
                if (_createdNamespace)
                {
                    try { await _client.CoreV1.DeleteNamespaceAsync(Namespace).ConfigureAwait(false); }
                    catch (Exception e) when (e is HttpOperationException or HttpRequestException)
                    {
                        problems.Add($"namespace {Namespace} could not be deleted: {e.Message}");
                    }
                }
            }
        }
        finally
        {
            foreach (var access in _access.Values) await access.DisposeAsync().ConfigureAwait(false);
            _client.Dispose();
            if (_owned is not null) await _owned.DisposeAsync().ConfigureAwait(false);
        }
        if (problems.Count > 0)
            throw new InvalidOperationException("cluster teardown was not clean:\n- " + string.Join("\n- ", problems));
    }

    private INodeAccess AccessFor(string nodeName) =>
        _access.TryGetValue(nodeName, out var access) ? access
        : _access.TryGetValue(_settings.NodeMap.ToLab(nodeName), out access) ? access
        : throw new ArgumentException($"unknown node '{nodeName}' (nodes: {string.Join(", ", _access.Keys)})", nameof(nodeName));

    private async Task<V1Pod?> ReadPodAsync(string podName, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.CoreV1.ReadNamespacedPodAsync(podName, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Makes sure the namespace exists and is Active; safe when the four pods are deployed at once: a create that
    /// loses the race (409 AlreadyExists) reads again. A namespace still Terminating from an earlier run (creates in
    /// it get 403) is waited out (bounded by <see cref="NamespaceTimeout"/>) and then created again.
    /// </summary>
    private async Task EnsureNamespaceAsync(CancellationToken cancellationToken)
    {
        if (_namespaceReady) return;
        var reportedTerminating = false;
        await Waits.UntilAsync($"namespace {Namespace} Active", async ct =>
        {
            V1Namespace? ns;
            try
            {
                ns = await _client.CoreV1.ReadNamespaceAsync(Namespace, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                ns = null;
            }
            if (ns is null)
            {
                try
                {
                    await _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } },
                        cancellationToken: ct).ConfigureAwait(false);
                    _createdNamespace = true;
                    return Waits.Probe.Ok;
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
                {
                    return Waits.Probe.NotYet("created at the same time by another deploy (409 AlreadyExists); reading again");
                }
            }
            if (ns.Status?.Phase == "Terminating" || ns.Metadata.DeletionTimestamp is not null)
            {
                if (!reportedTerminating) Progress($"namespace {Namespace} is still Terminating (an earlier run's teardown): waiting for it to go");
                reportedTerminating = true;
                return Waits.Probe.NotYet("Terminating (an earlier run's teardown still runs)");
            }
            return Waits.Probe.Ok;
        }, NamespaceTimeout, TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        _namespaceReady = true;
    }

    private static INodeAccess CreateAccess(KubernetesTargetSettings settings, ICommandRunner runner, string labName,
        string clusterName, string address)
    {
        if (settings.NodeAccess == "docker") return new DockerExecNodeAccess(clusterName, runner);
        var host = settings.SshHosts.GetValueOrDefault(labName) ?? settings.SshHosts.GetValueOrDefault(clusterName) ?? address;
        if (host.Length == 0)
            throw new ClusterNotConfiguredException(settings.Target, $"node {clusterName} reports no InternalIP: set BASHCNI_SSH_HOSTS ({labName}=address,…)");
        var target = new SshEndpoint(host, settings.SshPort, settings.SshUser, settings.SshKeyPath!);
        var bastion = settings.SshBastion is { } b ? SshEndpoint.Parse(b, settings.SshUser, settings.SshKeyPath!) : null;
        return new SshNodeAccess(clusterName, target, bastion);
    }
}
