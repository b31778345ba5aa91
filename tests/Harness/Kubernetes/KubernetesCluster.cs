using System.Net;
using BashCni.Harness.Cluster;
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
    private readonly k8s.Kubernetes _client;
    private readonly KubernetesTargetSettings _settings;
    private readonly IReadOnlyDictionary<string, INodeAccess> _access;
    private readonly IAsyncDisposable? _owned;
    private readonly HashSet<string> _deployed = new(StringComparer.Ordinal);
    private readonly Lock _deployedLock = new();
    private bool _createdNamespace;
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

    /// <summary>The namespace the test pods live in.</summary>
    public string Namespace => _settings.Namespace;

    /// <summary>How long a pod may take to go away after its deletion (default 2 minutes).</summary>
    public TimeSpan PodDeletionTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one exec in a pod may take (default 60 s).</summary>
    public TimeSpan ExecTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Connects to the cluster the settings name and reads its nodes. Throws <see cref="ClusterNotConfiguredException"/>
    /// when the settings lack what is needed (KUBECONFIG, SSH key). <paramref name="owned"/> (e.g. provisioned machines)
    /// is disposed with the cluster.
    /// </summary>
    public static async Task<KubernetesCluster> CreateAsync(KubernetesTargetSettings settings, ICommandRunner runner,
        IAsyncDisposable? owned = null, CancellationToken cancellationToken = default)
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
                access[labName] = CreateAccess(settings, runner, labName, clusterName, address);
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

    public async Task PrepareNodesAsync(CancellationToken cancellationToken = default)
    {
        var withoutCidr = Nodes.Where(n => n.PodCidr.Length == 0).Select(n => n.Name).ToList();
        if (withoutCidr.Count > 0)
            throw new InvalidOperationException(
                $"nodes without spec.podCIDR: {string.Join(", ", withoutCidr)} — create the cluster with a pod network CIDR " +
                "(kind: networking.podSubnet; kubeadm: --pod-network-cidr) so the controller manager assigns node subnets");
        foreach (var node in Nodes)
            await PluginInstaller.InstallAsync(_access[node.Name], RepoPaths.PluginDir, node.PodCidr, _settings.PodNetwork,
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
            await _client.CoreV1.CreateNamespacedPodAsync(copy, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
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

    public async Task<PodState?> GetPodAsync(string podName, CancellationToken cancellationToken = default)
    {
        var pod = await ReadPodAsync(podName, cancellationToken).ConfigureAwait(false);
        if (pod is null) return null;
        var node = pod.Spec?.NodeName is { Length: > 0 } n ? _settings.NodeMap.ToLab(n) : "";
        return new PodState(podName, node, pod.Status?.PodIP is { Length: > 0 } ip ? ip : null, pod.Status?.Phase ?? "Unknown");
    }

    public async Task DeletePodAsync(string podName, CancellationToken cancellationToken = default)
    {
        await Evidence.StepAsync($"delete pod {podName}", async () =>
        {
            try
            {
                await _client.CoreV1.DeleteNamespacedPodAsync(podName, Namespace, gracePeriodSeconds: 0,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
            }
            var gone = new ResiliencePipelineBuilder<bool>()
                .AddTimeout(PodDeletionTimeout)
                .AddRetry(new RetryStrategyOptions<bool>
                {
                    ShouldHandle = new PredicateBuilder<bool>().HandleResult(false),
                    MaxRetryAttempts = int.MaxValue,
                    Delay = TimeSpan.FromMilliseconds(500),
                    BackoffType = DelayBackoffType.Constant,
                })
                .Build();
            try
            {
                await gone.ExecuteAsync(async ct => await ReadPodAsync(podName, ct).ConfigureAwait(false) is null, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (TimeoutRejectedException e)
            {
                throw new TimeoutException($"pod {podName} still exists {PodDeletionTimeout.TotalSeconds:F0} s after its deletion", e);
            }
        }).ConfigureAwait(false);
        lock (_deployedLock) _deployed.Remove(podName);
    }

    public async Task<CommandResult> ExecInPodAsync(string podName, IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var pod = await ReadPodAsync(podName, cancellationToken).ConfigureAwait(false)
                  ?? throw new InvalidOperationException($"pod {podName} does not exist in namespace {Namespace}");
        var container = pod.Spec.Containers[0].Name;
        var line = $"kubectl exec {podName} -- {string.Join(' ', command)}";
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
            // The API could not start the command (e.g. executable not found): report it as the shell would.
            exitCode = 127;
            stderr += e.Message;
        }
        return new CommandResult(line, exitCode, stdout, stderr, clock.Elapsed);
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

    private async Task EnsureNamespaceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.CoreV1.ReadNamespaceAsync(Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            await _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            _createdNamespace = true;
        }
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
