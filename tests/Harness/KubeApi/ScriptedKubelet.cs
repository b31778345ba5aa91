using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using BashCni.Harness.Kubernetes;

namespace BashCni.Harness.KubeApi;

/// <summary>
/// The scripted kubelet side of the API model (unit tests): time never drives it — a bound pod advances one step on
/// each read (Pending/ContainerCreating → pulling → Running with an address from the node's podCIDR), a deleted pod's
/// teardown one step on each read or node query; exec answers from <see cref="OnExec"/> for the tools its image has.
/// Upstream sources as in <see cref="FakeKubernetesApi"/>.
/// </summary>
public sealed class ScriptedKubelet : IKubeletBackend
{
    private readonly JsonArray _nodes;
    private int _uid;

    public ScriptedKubelet(JsonArray nodes)
    {
        _nodes = nodes;
        foreach (var node in nodes.OfType<JsonObject>())
        {
            var name = node["metadata"]!["name"]!.GetValue<string>();
            NodeStates[name] = new FakeNodeState(name);
        }
    }

    /// <summary>Executables of the images fixtures/deploy.yaml uses (and the probe image). [images]</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> ImageTools { get; } = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
    {
        ["docker.io/library/nginx:1.27"] = new HashSet<string>(StringComparer.Ordinal)
            { "sh", "bash", "nginx", "curl", "cat", "sleep", "ls", "env", "envsubst", "grep", "sed", "awk", "head", "tail", "id", "hostname" },
        ["docker.io/nicolaka/netshoot:v0.13"] = new HashSet<string>(StringComparer.Ordinal)
            { "sh", "bash", "ping", "curl", "wget", "ip", "nc", "sleep", "cat", "ls", "env", "grep", "sed", "awk", "head", "tail", "id", "hostname", "nsenter", "tcpdump" },
    };

    /// <summary>The node side of each node (store, host links), by cluster node name.</summary>
    public ConcurrentDictionary<string, FakeNodeState> NodeStates { get; } = new(StringComparer.Ordinal);

    /// <summary>Images whose pull fails (ErrImagePull, then ImagePullBackOff), e.g. a registry the nodes cannot reach.</summary>
    public HashSet<string> UnpullableImages { get; } = new(StringComparer.Ordinal);

    /// <summary>The node's plugin hands every pod of a node the same address (as the broken variant
    /// duplicate-addresses does): the store keeps one entry for it, owned by the pod added last.</summary>
    public bool HandsOutAddressesTwice { get; set; }

    /// <summary>Kubelet syncs a deleted pod's node side needs before CNI DEL has run (store entry and host veth gone).</summary>
    public int TeardownSyncs { get; set; } = 3;

    /// <summary>What a command that exists in the container answers: (pod, container, argv) → exit code, stdout, stderr. Default: exit 0.</summary>
    public Func<string, string, IReadOnlyList<string>, (int ExitCode, string Stdout, string Stderr)> OnExec { get; set; } =
        (_, _, _) => (0, "", "");

    /// <summary>Overrides the waiting reason of an ephemeral container (pod, container → reason, null = none), e.g. ErrImagePull.</summary>
    public Func<string, string, string?> OnEphemeralStatus { get; set; } = (_, _) => null;

    /// <summary>Ephemeral containers ("pod/container") whose process has exited: terminated, never restarted
    /// (ephemeral containers have no restart policy: k8s.io/api core/v1 types.go EphemeralContainerCommon).</summary>
    public HashSet<string> TerminatedEphemeral { get; } = new(StringComparer.Ordinal);

    public bool? NodeReady(string nodeName) => null;

    public void PodBound(ApiPod pod) => SetStatus(pod);

    public void BeforeRead(ApiPod pod)
    {
    }

    public void AfterRead(ApiPod pod) => Advance(pod);

    public void DeletionStarted(ApiPod pod)
    {
    }

    public bool AdvanceTeardown(ApiPod pod)
    {
        pod.TeardownSyncs++;
        if (pod.TeardownSyncs < TeardownSyncs) return false;
        if (pod.Running && pod.Ip is { } ip)
        {
            var node = NodeStates[pod.NodeName];
            // The plugin's DEL releases the entry its container owns (ipam_release by container ID and interface).
            if (node.Store.TryGetValue(ip, out var owner) && PodNodeState.HostVethName(owner, "eth0") == pod.HostVeth) node.Store.Remove(ip);
            node.HostLinks.Remove(pod.HostVeth!);
            pod.Running = false;
        }
        return true;
    }

    public void EphemeralAdded(ApiPod pod, string name, JsonObject container)
    {
        pod.Ephemeral[name] = false;
        pod.EphemeralImages[name] = container["image"]?.GetValue<string>() ?? "";
        SetStatus(pod);
    }

    public bool ContainerRunning(ApiPod pod, string container) =>
        pod.Ephemeral.TryGetValue(container, out var e) ? e : pod.Running;

    public Task<ExecOutcome> ExecAsync(ApiPod pod, string container, string image, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var tools = ImageTools.GetValueOrDefault(image) ?? new HashSet<string>();
        var binary = command.Count == 0 ? "" : command[0].Split('/')[^1];
        if (!tools.Contains(binary))
        {
            // [containerd] runc cannot start the process: containerd returns the error.
            return Task.FromResult(new ExecOutcome(-1, "", "",
                $"failed to exec in container: failed to start exec \"0123456789ab\": OCI runtime exec failed: exec failed: " +
                $"unable to start container process: exec: \"{command.FirstOrDefault()}\": executable file not found in $PATH: unknown"));
        }
        var (exit, stdout, stderr) = OnExec(pod.Name, container, command);
        return Task.FromResult(new ExecOutcome(exit, stdout, stderr));
    }

    /// <summary>Whether the nodes can pull the image: the scripted registry has it and it is not made unpullable.</summary>
    public bool Pullable(string image) => ImageTools.ContainsKey(image) && !UnpullableImages.Contains(image);

    private void Advance(ApiPod pod)
    {
        // Pending (scheduled, ContainerCreating) → pulling → Running and ready, one step per kubelet sync.
        if (pod.Step < 2) pod.Step++;
        if (pod.Step == 2 && !pod.Running && !PullFails(pod))
        {
            var node = NodeStates[pod.NodeName];
            var cidr = _nodes.OfType<JsonObject>().First(n => n["metadata"]!["name"]!.GetValue<string>() == pod.NodeName)["spec"]?["podCIDR"]?.GetValue<string>()
                       ?? "10.244.9.0/24";
            var prefix = cidr[..cidr.LastIndexOf('.')];
            var ip = Enumerable.Range(2, 250).Select(i => $"{prefix}.{i}").First(a => HandsOutAddressesTwice || !node.Store.ContainsKey(a));
            var containerId = $"{Interlocked.Increment(ref _uid):x8}{pod.Name.GetHashCode(StringComparison.Ordinal):x8}";
            pod.Ip = ip;
            pod.HostVeth = PodNodeState.HostVethName(containerId, "eth0");
            node.Store[ip] = containerId;
            node.HostLinks.Add(pod.HostVeth);
            pod.Running = true;
        }
        foreach (var ephemeral in pod.Ephemeral.Keys.ToList())
            pod.Ephemeral[ephemeral] = !TerminatedEphemeral.Contains(pod.Name + "/" + ephemeral)
                && (pod.Ephemeral[ephemeral] || (pod.Running && Pullable(pod.EphemeralImages[ephemeral])));
        SetStatus(pod);
    }

    private bool PullFails(ApiPod pod) =>
        pod.Object["spec"]!["containers"]!.AsArray().Any(c => UnpullableImages.Contains(c!["image"]!.GetValue<string>()));

    private void SetStatus(ApiPod pod)
    {
        var containers = pod.Object["spec"]!["containers"]!.AsArray();
        var waitingReason = pod.Step switch
        {
            0 => "ContainerCreating",
            _ when PullFails(pod) => pod.Step == 1 ? "ErrImagePull" : "ImagePullBackOff",
            1 => "ContainerCreating",
            _ => null,
        };
        var statuses = new JsonArray();
        foreach (var c in containers)
        {
            statuses.Add(PodStatusJson.Container(c!["name"]!.GetValue<string>(), c["image"]!.GetValue<string>(), pod.Running,
                pod.Running ? PodStatusJson.Running()
                    : PodStatusJson.Waiting(waitingReason, waitingReason == "ErrImagePull" ? $"failed to pull image \"{c["image"]}\"" : null),
                imageId: pod.Running ? "sha256:0" : ""));
        }
        var ephemeral = new JsonArray();
        foreach (var (name, running) in pod.Ephemeral)
            ephemeral.Add(PodStatusJson.Container(name, pod.EphemeralImages[name], ready: false,
                TerminatedEphemeral.Contains(pod.Name + "/" + name) ? PodStatusJson.Terminated(137, "Error", null)
                : running ? PodStatusJson.Running()
                    // A new ephemeral container waits as ContainerCreating until started (kubelet_pods.go
                    // convertToAPIContainerStatuses: a container without a runtime status yet); an image it cannot pull
                    // reads ErrImagePull (images/image_manager.go).
                    : PodStatusJson.Waiting(OnEphemeralStatus(pod.Name, name) ?? (pod.Running && !Pullable(pod.EphemeralImages[name]) ? "ErrImagePull" : "ContainerCreating"), null),
                imageId: null));
        pod.Object["status"] = PodStatusJson.Pod(pod.Running, "172.18.0.9", pod.Running ? pod.Ip : null, statuses, ephemeral);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>What a node holds for its pods: IPAM store entries (address → container ID) and host links.</summary>
public sealed class FakeNodeState(string name)
{
    public string Name { get; } = name;

    public Dictionary<string, string> Store { get; } = new(StringComparer.Ordinal);

    public HashSet<string> HostLinks { get; } = new(StringComparer.Ordinal);
}
