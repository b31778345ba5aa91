using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace BashCni.Harness.KubeApi;

/// <summary>
/// A strict stand-in for kube-apiserver (plus the kubelets behind it) on 127.0.0.1, plain HTTP, for everything
/// <see cref="BashCni.Harness.Kubernetes.KubernetesCluster"/> calls. Each behaviour names its upstream source:
/// <list type="bullet">
/// <item>[conv] the API conventions, kubernetes/community contributors/devel/sig-architecture/api-conventions.md</item>
/// <item>[registry] k8s.io/apiserver pkg/registry/generic/registry/store.go and pkg/registry/core/pod/strategy.go</item>
/// <item>[lifecycle] plugin/pkg/admission/namespace/lifecycle/admission.go (the NamespaceLifecycle admission plugin)</item>
/// <item>[nsctl] pkg/controller/namespace/deletion/namespaced_resources_deleter.go (namespace controller)</item>
/// <item>[kubelet-exec] pkg/kubelet/cri/streaming/remotecommand/exec.go + k8s.io/apimachinery pkg/api/errors NewInternalError</item>
/// <item>[containerd] containerd internal/cri/server/container_execsync.go + runc libcontainer (missing binary)</item>
/// <item>[ws] k8s.io/apiserver pkg/util/wsstream/conn.go (channel.k8s.io: one leading channel byte per message)</item>
/// <item>[images] nginxinc/docker-nginx mainline/debian/Dockerfile (nginx, gettext-base, curl on debian:bookworm-slim);
/// nicolaka/netshoot Dockerfile (iputils ping, curl, wget, iproute2, bash, …)</item>
/// </list>
/// The kubelet side is an <see cref="IKubeletBackend"/>: <see cref="ScriptedKubelet"/> (the default; time never drives
/// it: it advances one step on each read of the pod and each node query, so tests choose their points by observed
/// progress) or CriKubelet (the embedded cluster's containerd through CRI, the <c>local-api</c> target).
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    /// <summary>Executables of the images fixtures/deploy.yaml uses (and the probe image). [images]</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> ImageTools => ScriptedKubelet.ImageTools;

    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentBag<Task> _handlers = [];
    private readonly JsonArray _nodes;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, JsonObject> _namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ApiPod> _pods = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);
    private readonly IKubeletBackend _kubelet;
    private readonly ScriptedKubelet? _scripted;
    private int _namespaceReadsHeld;
    private int _namespaceReadsArrived;
    private readonly TaskCompletionSource _namespaceReadsReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _uid;

    /// <summary>The model with the scripted kubelet (<see cref="Scripted"/>).</summary>
    public FakeKubernetesApi(JsonArray nodes) : this(nodes, null)
    {
    }

    /// <summary>The model in front of <paramref name="kubelet"/> (null: a <see cref="ScriptedKubelet"/>).</summary>
    public FakeKubernetesApi(JsonArray nodes, IKubeletBackend? kubelet)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        _nodes = nodes;
        foreach (var node in nodes.OfType<JsonObject>()) _nodeNames.Add(node["metadata"]!["name"]!.GetValue<string>());
        _kubelet = kubelet ?? (_scripted = new ScriptedKubelet(nodes));
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = ServeAsync();
    }

    public int Port { get; }

    public ConcurrentQueue<(string Method, string Path, string Body)> Requests { get; } = new();

    /// <summary>Status codes answered, in order (method, path, code).</summary>
    public ConcurrentQueue<(string Method, string Path, int Code)> Answers { get; } = new();

    /// <summary>The scripted kubelet (unit tests); throws for another backend.</summary>
    public ScriptedKubelet Scripted => _scripted ?? throw new InvalidOperationException("this API model runs another kubelet backend");

    /// <summary>Images whose pull fails (ErrImagePull, then ImagePullBackOff), e.g. a registry the nodes cannot reach.</summary>
    public HashSet<string> UnpullableImages => Scripted.UnpullableImages;

    /// <summary>Kubelet syncs a deleted pod's node side needs before CNI DEL has run (store entry and host veth gone).</summary>
    public int TeardownSyncs { get => Scripted.TeardownSyncs; set => Scripted.TeardownSyncs = value; }

    /// <summary>Reads of a Terminating namespace (after its pods are gone) before the namespace controller removes it. [nsctl]</summary>
    public int NamespaceFinalizeReads { get; set; } = 2;

    /// <summary>What a command that exists in the container answers: (pod, container, argv) → exit code, stdout, stderr. Default: exit 0.</summary>
    public Func<string, string, IReadOnlyList<string>, (int ExitCode, string Stdout, string Stderr)> OnExec
    {
        get => Scripted.OnExec;
        set => Scripted.OnExec = value;
    }

    /// <summary>Overrides the waiting reason of an ephemeral container (pod, container → reason, null = none), e.g. ErrImagePull.</summary>
    public Func<string, string, string?> OnEphemeralStatus
    {
        get => Scripted.OnEphemeralStatus;
        set => Scripted.OnEphemeralStatus = value;
    }

    /// <summary>Rejects an exec before any stream opens (pod, container → status code and message, null = allowed), as
    /// the API server does for RBAC (403) or the kubelet for its own errors (500). [conv]</summary>
    public Func<string, string, (int Code, string Message)?> RejectExec { get; set; } = (_, _) => null;

    /// <summary>Ephemeral containers ("pod/container") whose process has exited: terminated, never restarted. [conv]</summary>
    public HashSet<string> TerminatedEphemeral => Scripted.TerminatedEphemeral;

    /// <summary>Every exec the double ran or refused: pod, container, argv.</summary>
    public ConcurrentQueue<(string Pod, string Container, IReadOnlyList<string> Command)> Execs { get; } = new();

    /// <summary>Holds every namespace GET until <paramref name="count"/> of them have arrived (forces the read-then-create interleaving).</summary>
    public void HoldNamespaceReadsUntil(int count) => _namespaceReadsHeld = count;

    /// <summary>Puts a namespace in place, optionally already Terminating (a quick re-run after a teardown). [conv]</summary>
    public void AddNamespace(string name, bool terminating = false)
    {
        lock (_gate)
        {
            var ns = NamespaceObject(name);
            if (terminating) MarkTerminating(ns);
            _namespaces[name] = ns;
        }
    }

    /// <summary>The node side of a cluster node (the kubelet, the CNI store, host links), as a node access sees it.</summary>
    public FakeNodeState NodeState(string clusterNodeName)
    {
        lock (_gate) return Scripted.NodeStates[clusterNodeName];
    }

    /// <summary>One kubelet sync on a node: tears deleted pods further down (called for each node query).</summary>
    public void SyncNode(string clusterNodeName)
    {
        lock (_gate)
        {
            foreach (var pod in _pods.Values.Where(p => p.NodeName == clusterNodeName && p.Deleted).ToList()) AdvanceTeardown(pod);
            foreach (var orphan in _orphans.Where(p => p.NodeName == clusterNodeName).ToList()) AdvanceTeardown(orphan);
        }
    }

    /// <summary>Teardown of every deleted pod, on every node (before a read of a pod, so a forced deletion's orphan
    /// on a node of the CRI backend goes once its sandbox is stopped).</summary>
    private void SyncOrphans()
    {
        lock (_gate)
        {
            foreach (var orphan in _orphans.ToList()) AdvanceTeardown(orphan);
        }
    }

    private readonly List<ApiPod> _orphans = [];

    /// <summary>What the node holds for address <paramref name="ip"/> and link <paramref name="hostVeth"/>, read
    /// without a kubelet sync (a test's own look at the node).</summary>
    public (string? StoreOwner, bool LinkPresent) NodeHolds(string clusterNodeName, string ip, string? hostVeth)
    {
        lock (_gate)
        {
            var node = Scripted.NodeStates[clusterNodeName];
            return (node.Store.GetValueOrDefault(ip), hostVeth is not null && node.HostLinks.Contains(hostVeth));
        }
    }

    /// <summary>The node-side answer to a <see cref="BashCni.Harness.Kubernetes.PodNodeState"/> query (one kubelet sync first).</summary>
    public string AnswerPodNodeStateQuery(string clusterNodeName, string ip, string hostVeth)
    {
        SyncNode(clusterNodeName);
        var (owner, link) = NodeHolds(clusterNodeName, ip, hostVeth == "-" ? null : hostVeth);
        return (owner is null ? "" : $"store {owner} eth0\n") + (link ? $"link {hostVeth}\n" : "");
    }

    public string Kubeconfig => $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: fake
          cluster:
            server: http://127.0.0.1:{{Port}}
        contexts:
        - name: fake
          context:
            cluster: fake
            user: fake
        current-context: fake
        users:
        - name: fake
          user:
            token: not-a-secret
        """;

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            // Requests are served concurrently, as the API server does (the race tests depend on it).
            _handlers.Add(Task.Run(async () =>
            {
                try
                {
                    try
                    {
                        await HandleAsync(context).ConfigureAwait(false);
                    }
                    catch (Grpc.Core.RpcException e)
                    {
                        // The kubelet side failed to answer: an InternalError status, never a dropped connection.
                        await WriteAsync(context, context.Request, context.Request.Url!.AbsolutePath,
                            (500, Status(500, "InternalError", $"Internal error occurred: {e.Status.Detail}"))).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is HttpListenerException or IOException or WebSocketException or ObjectDisposedException)
                {
                    // the client went away
                }
            }));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
            body = await reader.ReadToEndAsync().ConfigureAwait(false);
        var path = request.Url!.AbsolutePath;
        Requests.Enqueue((request.HttpMethod, path, body));
        var parts = path.Trim('/').Split('/');
        if (parts is ["api", "v1", "namespaces", _, "pods", var execPod, "exec"])
        {
            await ExecAsync(context, parts[3], execPod).ConfigureAwait(false);
            return;
        }
        if (parts is ["api", "v1", "namespaces", _] && request.HttpMethod == "GET" && _namespaceReadsHeld > 0)
        {
            if (Interlocked.Increment(ref _namespaceReadsArrived) >= _namespaceReadsHeld) _namespaceReadsReleased.TrySetResult();
            try
            {
                await _namespaceReadsReleased.Task.WaitAsync(TimeSpan.FromSeconds(30), _stop.Token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await WriteAsync(context, request, path, (500, Status(500, "InternalError", "the double held namespace reads for 30 s: fewer concurrent reads than expected")))
                    .ConfigureAwait(false);
                return;
            }
        }
        var grace = request.QueryString["gracePeriodSeconds"] is { } g ? int.Parse(g, CultureInfo.InvariantCulture)
            : body.Length > 0 && JsonNode.Parse(body)?["gracePeriodSeconds"] is { } gb ? gb.GetValue<int>() : (int?)null;
        if (request.HttpMethod == "GET" && parts is ["api", "v1", "nodes"])
            await _kubelet.RefreshNodesAsync(_stop.Token).ConfigureAwait(false);
        if (request.HttpMethod == "GET" && parts is ["api", "v1", "namespaces", var readNs, "pods", var readName] && _scripted is null)
        {
            // Another backend's kubelet runs on its own: what it has done is read before the answer.
            SyncOrphans();
            ApiPod? read;
            lock (_gate) read = _pods.GetValueOrDefault(Key(readNs, readName));
            if (read is not null) await _kubelet.RefreshPodAsync(read, _stop.Token).ConfigureAwait(false);
        }
        if (request.HttpMethod == "GET" && parts is ["api", "v1", "pods"] && _scripted is null)
        {
            ApiPod[] all;
            lock (_gate) all = [.. _pods.Values];
            foreach (var listed in all) await _kubelet.RefreshPodAsync(listed, _stop.Token).ConfigureAwait(false);
        }
        (int, JsonObject) answer;
        lock (_gate)
        {
            answer = (request.HttpMethod, parts) switch
            {
                ("GET", ["api", "v1", "pods"]) => ListPods(request.QueryString["fieldSelector"]),
                ("GET", ["api", "v1", "nodes"]) => (200, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "NodeList", ["items"] = NodeItems() }),
                ("GET", ["api", "v1", "namespaces", var ns]) => ReadNamespace(ns),
                ("POST", ["api", "v1", "namespaces"]) => CreateNamespace(body),
                ("DELETE", ["api", "v1", "namespaces", var ns]) => DeleteNamespace(ns),
                ("POST", ["api", "v1", "namespaces", var ns, "pods"]) => CreatePod(ns, body),
                ("GET", ["api", "v1", "namespaces", var ns, "pods", var name]) => ReadPod(ns, name),
                ("DELETE", ["api", "v1", "namespaces", var ns, "pods", var name]) => DeletePod(ns, name, grace),
                ("PATCH", ["api", "v1", "namespaces", var ns, "pods", var name, "ephemeralcontainers"]) => AddEphemeralContainers(ns, name, body, request.ContentType),
                _ => (404, Status(404, "NotFound", $"the double does not serve {request.HttpMethod} {path}")),
            };
        }
        await WriteAsync(context, request, path, answer).ConfigureAwait(false);
    }

    /// <summary>The node objects as the kubelets report them: a node whose runtime network is not ready (no CNI
    /// config yet) is NotReady and carries the not-ready taint (pkg/kubelet/kubelet_node_status.go setNodeReadyCondition
    /// via the runtime's NetworkReady; the node lifecycle controller's TaintNodesByCondition adds
    /// node.kubernetes.io/not-ready:NoSchedule, pkg/controller/nodelifecycle/node_lifecycle_controller.go).</summary>
    private JsonArray NodeItems()
    {
        var items = new JsonArray();
        foreach (var node in _nodes.OfType<JsonObject>())
        {
            var copy = (JsonObject)node.DeepClone();
            var name = node["metadata"]!["name"]!.GetValue<string>();
            if (_kubelet.NodeReady(name) is { } ready)
            {
                var status = copy["status"] as JsonObject ?? new JsonObject();
                copy["status"] = status;
                status["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Ready",
                    ["status"] = ready ? "True" : "False",
                    ["reason"] = ready ? "KubeletReady" : "KubeletNotReady",
                    ["message"] = ready ? "kubelet is posting ready status"
                        : "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
                });
                var spec = copy["spec"] as JsonObject ?? new JsonObject();
                copy["spec"] = spec;
                var taints = (spec["taints"] as JsonArray)?.Where(t => t!["key"]!.GetValue<string>() != NotReadyTaint).Select(t => t!.DeepClone()).ToList() ?? [];
                if (!ready) taints.Add(new JsonObject { ["key"] = NotReadyTaint, ["effect"] = "NoSchedule" });
                spec["taints"] = taints.Count > 0 ? new JsonArray([.. taints]) : null;
            }
            items.Add(copy);
        }
        return items;
    }

    /// <summary>The taint of a node that is not ready (k8s.io/api core/v1 well_known_taints.go TaintNodeNotReady).</summary>
    public const string NotReadyTaint = "node.kubernetes.io/not-ready";

    private async Task WriteAsync(HttpListenerContext context, HttpListenerRequest request, string path, (int Code, JsonObject Json) answer)
    {
        Answers.Enqueue((request.HttpMethod, path, answer.Code));
        context.Response.StatusCode = answer.Code;
        context.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(answer.Json.ToJsonString());
        await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        context.Response.Close();
    }

    // ---- namespaces -------------------------------------------------------------------------------------------

    private static JsonObject NamespaceObject(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
        ["status"] = new JsonObject { ["phase"] = "Active" },
    };

    private static void MarkTerminating(JsonObject ns)
    {
        // [conv]/[registry] deletion of an object with finalizers sets metadata.deletionTimestamp and keeps it;
        // namespaces also report status.phase Terminating until the namespace controller has emptied them. [nsctl]
        ns["metadata"]!["deletionTimestamp"] = "2026-01-01T00:00:00Z";
        ns["status"]!["phase"] = "Terminating";
    }

    private (int, JsonObject) ReadNamespace(string name)
    {
        if (!_namespaces.TryGetValue(name, out var ns)) return NotFound("namespaces", name);
        if (ns["status"]!["phase"]!.GetValue<string>() == "Terminating" && !_pods.Values.Any(p => p.Namespace == name))
        {
            // [nsctl] once its content is gone, the controller removes the finalizer and the namespace disappears.
            var left = ns["metadata"]!["x-finalize-reads"]?.GetValue<int>() ?? NamespaceFinalizeReads;
            if (left <= 0)
            {
                _namespaces.Remove(name);
                return NotFound("namespaces", name);
            }
            ns["metadata"]!["x-finalize-reads"] = left - 1;
        }
        return (200, Public(ns));
    }

    private (int, JsonObject) CreateNamespace(string body)
    {
        var ns = JsonNode.Parse(body)!.AsObject();
        var name = ns["metadata"]!["name"]!.GetValue<string>();
        // [registry] Create on an existing name: 409 AlreadyExists — also while that namespace is Terminating.
        if (_namespaces.ContainsKey(name)) return (409, Status(409, "AlreadyExists", $"namespaces \"{name}\" already exists", "namespaces", name));
        var stored = NamespaceObject(name);
        _namespaces[name] = stored;
        return (201, Public(stored));
    }

    private (int, JsonObject) DeleteNamespace(string name)
    {
        if (!_namespaces.TryGetValue(name, out var ns)) return NotFound("namespaces", name);
        MarkTerminating(ns);
        // [nsctl] the namespace controller deletes the pods in it (gracefully); they go through the kubelet's teardown.
        foreach (var pod in _pods.Values.Where(p => p.Namespace == name && p.NodeName.Length == 0).ToList()) _pods.Remove(Key(name, pod.Name));
        foreach (var pod in _pods.Values.Where(p => p.Namespace == name && !p.Deleted)) StartDeletion(pod, grace: 30);
        return (200, Public(ns));
    }

    // ---- pods ---------------------------------------------------------------------------------------------------

    private (int, JsonObject) CreatePod(string ns, string body)
    {
        var pod = JsonNode.Parse(body)!.AsObject();
        var name = pod["metadata"]!["name"]!.GetValue<string>();
        // [lifecycle] NamespaceLifecycle admission: no namespace → 404; Terminating → 403 Forbidden.
        if (!_namespaces.TryGetValue(ns, out var nsObject)) return NotFound("namespaces", ns);
        if (nsObject["status"]!["phase"]!.GetValue<string>() == "Terminating")
            return (403, Status(403, "Forbidden",
                $"pods \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated", "pods", name));
        // [registry] a pod of that name exists (also while terminating): 409 AlreadyExists.
        if (_pods.ContainsKey(Key(ns, name))) return (409, Status(409, "AlreadyExists", $"pods \"{name}\" already exists", "pods", name));
        var nodeName = pod["spec"]?["nodeSelector"]?["kubernetes.io/hostname"]?.GetValue<string>() ?? _nodeNames.First();
        if (!_nodeNames.Contains(nodeName))
        {
            // The scheduler finds no node matching the nodeSelector: the pod is stored and stays Pending, unbound,
            // with PodScheduled=False reason Unschedulable (pkg/scheduler/schedule_one.go handleSchedulingFailure;
            // v1.PodReasonUnschedulable) — not a 404.
            pod["metadata"]!["namespace"] = ns;
            pod["metadata"]!["uid"] = $"uid-{Interlocked.Increment(ref _uid)}";
            pod["status"] = new JsonObject
            {
                ["phase"] = "Pending",
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "PodScheduled", ["status"] = "False", ["reason"] = "Unschedulable",
                    ["message"] = $"0/{_nodeNames.Count} nodes are available: {_nodeNames.Count} node(s) didn't match Pod's node affinity/selector.",
                }),
            };
            _pods[Key(ns, name)] = new ApiPod(ns, name, "", pod);
            return (201, Public(pod));
        }
        pod["metadata"]!["namespace"] = ns;
        pod["metadata"]!["uid"] = $"uid-{Interlocked.Increment(ref _uid)}";
        pod["spec"]!["nodeName"] = nodeName;
        var bound = new ApiPod(ns, name, nodeName, pod);
        _pods[Key(ns, name)] = bound;
        _kubelet.PodBound(bound);
        return (201, Public(pod));
    }

    /// <summary>Pods of every namespace, optionally only those bound to one node (<c>fieldSelector=spec.nodeName=NAME</c>,
    /// the one field selector the kubelet itself uses for pods: pkg/kubelet/config/apiserver.go NewSourceApiserver;
    /// pods' selectable fields, pkg/registry/core/pod/strategy.go ToSelectableFields). [registry]</summary>
    private (int, JsonObject) ListPods(string? fieldSelector)
    {
        string? node = null;
        if (!string.IsNullOrEmpty(fieldSelector))
        {
            const string NodeField = "spec.nodeName=";
            if (!fieldSelector.StartsWith(NodeField, StringComparison.Ordinal) || fieldSelector.Contains(',', StringComparison.Ordinal))
                return (400, Status(400, "BadRequest", $"the double serves only fieldSelector=spec.nodeName=NAME, got '{fieldSelector}'"));
            node = fieldSelector[NodeField.Length..];
        }
        var items = new JsonArray();
        foreach (var pod in _pods.Values.Where(p => node is null || p.NodeName == node).OrderBy(p => p.Namespace + "/" + p.Name, StringComparer.Ordinal))
        {
            if (pod.NodeName.Length > 0 && !pod.Deleted) _kubelet.BeforeRead(pod);
            items.Add(Public(pod.Object));
        }
        return (200, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "PodList", ["metadata"] = new JsonObject(), ["items"] = items });
    }

    private (int, JsonObject) ReadPod(string ns, string name)
    {
        if (!_pods.TryGetValue(Key(ns, name), out var pod)) return NotFound("pods", name);
        // One kubelet sync per read: teardown of a deleted pod before the answer; start-up and ephemeral containers
        // after it (a new pod is first seen Pending).
        if (pod.Deleted)
        {
            AdvanceTeardown(pod);
            return _pods.TryGetValue(Key(ns, name), out pod) ? (200, Public(pod.Object)) : NotFound("pods", name);
        }
        if (pod.NodeName.Length == 0) return (200, Public(pod.Object)); // unbound: no kubelet knows it
        _kubelet.BeforeRead(pod);
        var answer = Public(pod.Object);
        _kubelet.AfterRead(pod);
        return (200, answer);
    }

    private (int, JsonObject) DeletePod(string ns, string name, int? grace)
    {
        if (!_pods.TryGetValue(Key(ns, name), out var pod)) return NotFound("pods", name);
        if (pod.NodeName.Length == 0)
        {
            // [registry] strategy.go CheckGracefulDelete: an unscheduled pod is deleted at once (grace 0).
            _pods.Remove(Key(ns, name));
            return (200, Public(pod.Object));
        }
        var effective = grace ?? pod.Object["spec"]?["terminationGracePeriodSeconds"]?.GetValue<int>() ?? 30;
        if (effective == 0)
        {
            // [registry]/strategy.go: gracePeriodSeconds 0 deletes the object from storage at once ("force"); the
            // kubelet learns of it later and still runs the teardown (CNI DEL) on the node. The object is gone now.
            _pods.Remove(Key(ns, name));
            pod.Deleted = true;
            _orphans.Add(pod);
            _kubelet.DeletionStarted(pod);
            return (200, Public(pod.Object));
        }
        StartDeletion(pod, effective);
        return (200, Public(pod.Object));
    }

    private void StartDeletion(ApiPod pod, int grace)
    {
        // [registry] graceful deletion: deletionTimestamp + deletionGracePeriodSeconds set, the object stays until
        // the kubelet has stopped the pod (CNI DEL included) and deletes it with grace 0; then 404.
        pod.Deleted = true;
        pod.Object["metadata"]!["deletionTimestamp"] = "2026-01-01T00:00:00Z";
        pod.Object["metadata"]!["deletionGracePeriodSeconds"] = grace;
        _kubelet.DeletionStarted(pod);
    }

    private void AdvanceTeardown(ApiPod pod)
    {
        if (!_kubelet.AdvanceTeardown(pod)) return;
        if (_pods.TryGetValue(Key(pod.Namespace, pod.Name), out var current) && ReferenceEquals(current, pod)) _pods.Remove(Key(pod.Namespace, pod.Name));
        _orphans.Remove(pod);
    }

    private (int, JsonObject) AddEphemeralContainers(string ns, string name, string body, string? contentType)
    {
        if (!_pods.TryGetValue(Key(ns, name), out var pod)) return NotFound("pods", name);
        // kubectl debug sends a strategic merge patch to the ephemeralcontainers subresource (stable since 1.25);
        // existing ephemeral containers may not be changed or removed (validation.ValidatePodEphemeralContainersUpdate).
        if (contentType is null || !contentType.StartsWith("application/strategic-merge-patch+json", StringComparison.Ordinal)
            && !contentType.StartsWith("application/merge-patch+json", StringComparison.Ordinal))
            return (415, Status(415, "UnsupportedMediaType", $"the double expects a strategic merge patch, got {contentType}"));
        var patch = JsonNode.Parse(body)!.AsObject();
        var list = patch["spec"]?["ephemeralContainers"]?.AsArray() ?? [];
        var spec = pod.Object["spec"]!.AsObject();
        var current = spec["ephemeralContainers"]?.AsArray() ?? [];
        var invalid = $"Pod \"{name}\" is invalid: spec.ephemeralContainers";
        if (contentType.StartsWith("application/merge-patch+json", StringComparison.Ordinal))
        {
            // RFC 7386 JSON merge patch: a list is replaced as a whole (k8s.io/apimachinery pkg/util/jsonmergepatch);
            // dropping an existing ephemeral container is refused by ValidatePodEphemeralContainersUpdate
            // (pkg/apis/core/validation/validation.go): 422.
            var kept = current.Select(c => c!["name"]!.GetValue<string>()).Where(n => list.All(l => l!["name"]?.GetValue<string>() != n)).ToList();
            if (kept.Count > 0)
                return (422, Status(422, "Invalid", $"{invalid}: Forbidden: existing ephemeral containers \"{kept[0]}\" may not be removed"));
        }
        // Strategic merge patch: ephemeralContainers merge by name (patchMergeKey "name" in k8s.io/api core/v1 types.go).
        foreach (var container in list)
        {
            var cname = container!["name"]!.GetValue<string>();
            var image = container["image"]?.GetValue<string>() ?? "";
            if (current.Any(c => c!["name"]!.GetValue<string>() == cname))
            {
                if (current.First(c => c!["name"]!.GetValue<string>() == cname)!["image"]?.GetValue<string>() != image)
                    return (422, Status(422, "Invalid", $"{invalid}: Forbidden: existing ephemeral containers \"{cname}\" may not be changed"));
                continue;
            }
            // validation.go validateEphemeralContainers: a name must be unique among all containers of the pod.
            if (spec["containers"]!.AsArray().Concat(spec["initContainers"]?.AsArray() ?? []).Any(c => c!["name"]!.GetValue<string>() == cname))
                return (422, Status(422, "Invalid", $"{invalid}[{current.Count}].name: Duplicate value: \"{cname}\""));
            if (image.Length == 0)
                return (422, Status(422, "Invalid", $"{invalid}[{current.Count}].image: Required value"));
            // Any image string is accepted here: a pull that fails is the kubelet's (ErrImagePull), not the API's.
            current.Add(container.DeepClone());
            spec["ephemeralContainers"] = current;
            _kubelet.EphemeralAdded(pod, cname, container.AsObject());
        }
        spec["ephemeralContainers"] = current;
        return (200, Public(pod.Object));
    }

    // ---- exec ---------------------------------------------------------------------------------------------------

    private async Task ExecAsync(HttpListenerContext context, string ns, string podName)
    {
        var query = context.Request.QueryString;
        var command = query.GetValues("command") ?? [];
        var containerName = query["container"] ?? "";
        string? image = null;
        bool running;
        ApiPod? execPodObject;
        lock (_gate)
        {
            if (RejectExec(podName, containerName) is { } rejected)
            {
                // Authorization runs before the handler: the request never reaches the pod. [conv]
                Reject(context, rejected.Code, Status(rejected.Code, rejected.Code == 403 ? "Forbidden" : "InternalError", rejected.Message));
                return;
            }
            if (!_pods.TryGetValue(Key(ns, podName), out var pod))
            {
                Reject(context, 404, NotFound("pods", podName).Item2);
                return;
            }
            var spec = pod.Object["spec"]!;
            var container = spec["containers"]!.AsArray().Concat(spec["ephemeralContainers"]?.AsArray() ?? [])
                .FirstOrDefault(c => c!["name"]!.GetValue<string>() == containerName);
            if (container is null)
            {
                // pkg/registry/core/pod/strategy.go ExecLocation: an unknown container is a 400 BadRequest.
                Reject(context, 400, Status(400, "BadRequest", $"container {containerName} is not valid for pod {podName}"));
                return;
            }
            image = container["image"]!.GetValue<string>();
            running = _kubelet.ContainerRunning(pod, containerName);
            execPodObject = pod;
            if (!running)
            {
                Reject(context, 400, Status(400, "BadRequest", $"container {containerName} is not running in pod {podName}"));
                return;
            }
            if (!context.Request.IsWebSocketRequest)
            {
                // An exec without the upgrade: the streaming handler answers 400 (k8s.io/apimachinery util/httpstream).
                Reject(context, 400, Status(400, "BadRequest", "Upgrade request required"));
                return;
            }
        }
        Execs.Enqueue((podName, containerName, command));
        // [ws] the client offers v5/v4.channel.k8s.io; the double speaks v4 (stdout 1, stderr 2, error 3).
        var ws = (await context.AcceptWebSocketAsync("v4.channel.k8s.io").ConfigureAwait(false)).WebSocket;
        JsonObject status;
        var outcome = await _kubelet.ExecAsync(execPodObject!, containerName, image!, command, _stop.Token).ConfigureAwait(false);
        if (outcome.StartError is { } cause)
        {
            // [kubelet-exec] the runtime could not start the process: an InternalError status on the error channel
            // (not an exit code): the client throws KubernetesException.
            status = Status(500, "InternalError", $"Internal error occurred: error executing command in container: {cause}");
            status["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = $"error executing command in container: {cause}" }) };
        }
        else
        {
            var (exit, stdout, stderr) = (outcome.ExitCode, outcome.Stdout, outcome.Stderr);
            if (stdout.Length > 0) await SendAsync(ws, 1, stdout).ConfigureAwait(false);
            if (stderr.Length > 0) await SendAsync(ws, 2, stderr).ConfigureAwait(false);
            status = exit == 0
                ? new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" }
                : new JsonObject
                {
                    // [kubelet-exec] a process that exited non-zero: reason NonZeroExitCode, cause ExitCode.
                    ["metadata"] = new JsonObject(),
                    ["status"] = "Failure",
                    ["message"] = $"command terminated with non-zero exit code: exit status {exit}",
                    ["reason"] = "NonZeroExitCode",
                    ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = exit.ToString(CultureInfo.InvariantCulture) }) },
                };
        }
        await SendAsync(ws, 3, status.ToJsonString()).ConfigureAwait(false);
        await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).ConfigureAwait(false);
        ws.Dispose();
    }

    private static async Task SendAsync(WebSocket ws, byte channel, string text)
    {
        var data = Encoding.UTF8.GetBytes(text);
        var frame = new byte[data.Length + 1];
        frame[0] = channel;
        data.CopyTo(frame, 1);
        await ws.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
    }

    private void Reject(HttpListenerContext context, int code, JsonObject status)
    {
        Answers.Enqueue(("GET", context.Request.Url!.AbsolutePath, code));
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(status.ToJsonString());
        context.Response.OutputStream.Write(bytes);
        context.Response.Close();
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static string Key(string ns, string name) => ns + "/" + name;

    private static JsonObject Public(JsonObject o)
    {
        var copy = (JsonObject)o.DeepClone();
        (copy["metadata"] as JsonObject)?.Remove("x-finalize-reads");
        return copy;
    }

    private static (int, JsonObject) NotFound(string kind, string name) =>
        (404, Status(404, "NotFound", $"{kind} \"{name}\" not found", kind, name));

    /// <summary>A metav1.Status as the API writes it for errors. [conv]</summary>
    private static JsonObject Status(int code, string reason, string message, string? kind = null, string? name = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Status",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["reason"] = reason,
        ["message"] = message,
        ["details"] = kind is null ? null : new JsonObject { ["name"] = name, ["kind"] = kind },
        ["code"] = code,
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        foreach (var handler in _handlers)
        {
            try
            {
                await handler.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _listener.Close();
        _stop.Dispose();
        await _kubelet.DisposeAsync().ConfigureAwait(false);
    }
}
