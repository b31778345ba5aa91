using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using BashCni.Harness.Cri.V1;
using BashCni.Harness.Sandbox;
using Grpc.Core;
using k8s.Models;

namespace BashCni.Harness.Cluster;

/// <summary>
/// The embedded three-node cluster, entirely inside one sandbox (<see cref="SandboxHost"/>):
/// a "vpc" bridge 10.0.1.0/24 with a router (10.0.1.1) that reaches a simulated outside host (198.51.100.1);
/// nodes master, worker-1, worker-2 (10.0.1.10/11/12, podCIDRs 10.244.0/1/2.0/24), each its own network, mount
/// and UTS namespace with private /run, /var/log, /var/lib/cni, /etc/cni/net.d and /opt/cni/bin, running
/// sshd and containerd (CRI). Nodes are provisioned over SSH; pods are CRI pod sandboxes, so the plugin is called
/// exactly as kubelet + containerd call it.
/// </summary>
public sealed class LocalCluster : ICluster
{
    public const string RouterAddress = "10.0.1.1";
    public const string OutsideHostAddress = "198.51.100.1";
    public const string PauseImage = "localhost/bashcni/pause:1";
    public const string PodNetwork = "10.244.0.0/16";

    public static IReadOnlyList<ClusterNode> DefaultNodes { get; } =
    [
        new("master", "10.0.1.10", "10.244.0.0/24"),
        new("worker-1", "10.0.1.11", "10.244.1.0/24"),
        new("worker-2", "10.0.1.12", "10.244.2.0/24"),
    ];

    private static string ScriptsDir => Path.Combine(RepoPaths.Root, "tests", "Harness", "Cluster", "scripts");

    private readonly SandboxHost _sandbox;
    private readonly Dictionary<string, LocalNode> _nodes;
    private readonly ConcurrentDictionary<string, LocalPod> _pods = new(StringComparer.Ordinal);
    private readonly string _rootLinksBefore;
    private readonly RunResidue _residue;
    private int _disposed;

    private readonly IReadOnlyDictionary<string, string> _pluginDirs;

    private LocalCluster(SandboxHost sandbox, string runDir, string runId, string imageDir, string rootLinksBefore,
        IReadOnlyDictionary<string, string>? pluginDirs)
    {
        _pluginDirs = pluginDirs ?? new Dictionary<string, string>(StringComparer.Ordinal);
        _sandbox = sandbox;
        RunDirectory = runDir;
        RunId = runId;
        ImageDirectory = imageDir;
        _rootLinksBefore = rootLinksBefore;
        _residue = new RunResidue(runDir, runId);
        _nodes = DefaultNodes.ToDictionary(n => n.Name, n => new LocalNode(n, Path.Combine(runDir, n.Name)), StringComparer.Ordinal);
    }

    public string Kind => "local";

    public IReadOnlyList<ClusterNode> Nodes => DefaultNodes;

    public string? OutsideAddress => OutsideHostAddress;

    /// <summary>/tmp/bashcni-cluster-…: node directories (configs, logs, sockets, pid files) and the run's SSH keys.</summary>
    public string RunDirectory { get; }

    /// <summary>Unique per run; names the cgroup parent of every pod (/bashcni-RUNID/…).</summary>
    public string RunId { get; }

    /// <summary>Where the offline image archives came from (fixtures/images/build.sh cache).</summary>
    public string ImageDirectory { get; }

    /// <summary>The sandbox every command of this cluster runs in.</summary>
    public ICommandRunner Runner => _sandbox.Runner;

    /// <summary>What went wrong during disposal without leaving anything behind (e.g. sandboxes the runtime could not remove).</summary>
    public IReadOnlyList<string> TeardownNotes { get; private set; } = [];

    /// <summary>Elapsed time at the end of each start-up phase (for reports).</summary>
    public IReadOnlyDictionary<string, TimeSpan> StartupTimings => _timings;

    private readonly Dictionary<string, TimeSpan> _timings = new(StringComparer.Ordinal);

    public LocalNode NodeOf(string nodeName) =>
        _nodes.TryGetValue(nodeName, out var node) ? node
            : throw new ArgumentException($"no node '{nodeName}' in the local cluster (nodes: {string.Join(", ", _nodes.Keys)})", nameof(nodeName));

    /// <summary>Builds (or reuses) the images, starts the sandbox, network, nodes, SSH and CRI; throws with the reason if anything fails.</summary>
    public static Task<LocalCluster> StartAsync(CancellationToken cancellationToken = default) => StartAsync(null, cancellationToken);

    /// <summary>
    /// As <see cref="StartAsync(CancellationToken)"/>, with the plugin directory each node is prepared from (node name →
    /// directory; nodes not named get the plugin under test, <see cref="RepoPaths.PluginDir"/>). The cluster layer's
    /// self-test runs a deliberately broken variant on each worker this way.
    /// </summary>
    public static async Task<LocalCluster> StartAsync(IReadOnlyDictionary<string, string>? pluginDirs, CancellationToken cancellationToken = default)
    {
        if (pluginDirs?.Keys.FirstOrDefault(n => DefaultNodes.All(d => d.Name != n)) is { } unknown)
            throw new ArgumentException($"no node '{unknown}' in the local cluster", nameof(pluginDirs));
        if (SandboxHost.UnavailableReason is { } why) throw new InvalidOperationException(why);
        var clock = Stopwatch.StartNew();
        var rootLinks = await RootLinksAsync(cancellationToken).ConfigureAwait(false);
        var images = await LocalRunner.Instance.RunCheckedAsync("bash", [Path.Combine(RepoPaths.Fixtures, "images", "build.sh")],
            new CommandOptions { Timeout = TimeSpan.FromMinutes(5) }, cancellationToken).ConfigureAwait(false);
        var imageDir = images.Stdout.Trim().Split('\n')[^1].Trim();
        var imagesTime = clock.Elapsed;

        var runId = Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        var runDir = Path.Combine(Path.GetTempPath(), "bashcni-cluster-" + runId);
        var sandbox = await SandboxHost.StartAsync(cancellationToken).ConfigureAwait(false);
        var cluster = new LocalCluster(sandbox, runDir, runId, imageDir, rootLinks, pluginDirs);
        cluster._timings["images"] = imagesTime;
        try
        {
            await cluster.BootAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        cluster._timings["total"] = clock.Elapsed;
        return cluster;
    }

    private async Task BootAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var sshDir = Path.Combine(RunDirectory, "ssh");
        Directory.CreateDirectory(sshDir);
        foreach (var node in _nodes.Values) Directory.CreateDirectory(node.Directory);
        foreach (var key in new[] { "host_key", "client_key" })
            await LocalRunner.Instance.RunCheckedAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "bashcni-" + key, "-f", Path.Combine(sshDir, key)],
                cancellationToken: ct).ConfigureAwait(false);
        File.Copy(Path.Combine(sshDir, "client_key.pub"), Path.Combine(sshDir, "authorized_keys"));

        await Runner.RunCheckedAsync("bash", [Path.Combine(ScriptsDir, "network-up.sh"), .. _nodes.Values.Select(n => $"{n.Name}={n.Node.Address}")],
            cancellationToken: ct).ConfigureAwait(false);
        _timings["network"] = clock.Elapsed;

        await Task.WhenAll(_nodes.Values.Select(n => LaunchNodeAsync(n, sshDir, ct))).ConfigureAwait(false);
        _timings["nodes"] = clock.Elapsed;
    }

    private async Task LaunchNodeAsync(LocalNode node, string sshDir, CancellationToken ct)
    {
        const string Launch = """
            nsenter --net="/run/netns/$1" unshare --mount --uts --propagation private -- bash "$2" "$1" "$3" "$4" "$5" "$6" "$7" >"$4/boot.log" 2>&1 </dev/null &
            echo "$!" >"$4/node.pid"
            echo "$!"
            """;
        var launched = await Runner.RunCheckedAsync("bash",
            ["-c", Launch, "launch", node.Name, Path.Combine(ScriptsDir, "node-boot.sh"), node.Node.Address, node.Directory, ImageDirectory, sshDir, PauseImage],
            cancellationToken: ct).ConfigureAwait(false);
        node.AnchorPid = int.Parse(launched.Stdout.Trim(), CultureInfo.InvariantCulture);

        await Waits.UntilAsync($"node {node.Name} boot (sshd, containerd, images)", _ =>
        {
            var failed = Path.Combine(node.Directory, "failed");
            if (File.Exists(failed))
                return ValueTask.FromResult(Waits.Probe.Failed($"failed: {File.ReadAllText(failed).Trim()}\n{ReadTail(Path.Combine(node.Directory, "boot.log"), 40)}"));
            if (!RunResidue.IsAlive(node.AnchorPid))
                return ValueTask.FromResult(Waits.Probe.Failed($"the node's boot script exited:\n{ReadTail(Path.Combine(node.Directory, "boot.log"), 40)}"));
            return ValueTask.FromResult(File.Exists(Path.Combine(node.Directory, "ready")) ? Waits.Probe.Ok : Waits.Probe.NotYet("NODE_DIR/ready not written yet"));
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50), ct).ConfigureAwait(false);

        node.Relay = NodeRelay.Start(node.AnchorPid, node.Node.Address, 22);
        var hostKey = await File.ReadAllTextAsync(Path.Combine(sshDir, "host_key.pub"), ct).ConfigureAwait(false);
        await Waits.UntilAsync($"SSH to node {node.Name} through 127.0.0.1:{node.Relay.LocalPort}", async token =>
        {
            node.Shell = await NodeShell.ConnectAsync(node.Name, "127.0.0.1", node.Relay.LocalPort, "root", Path.Combine(sshDir, "client_key"),
                hostKey, token).ConfigureAwait(false);
            return Waits.Probe.Ok;
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100), ct).ConfigureAwait(false);

        node.Cri = new Cri.CriClient(node.ContainerdSocket);
        var version = await node.Cri.Runtime.VersionAsync(new VersionRequest { Version = "v1" }, cancellationToken: ct).ConfigureAwait(false);
        if (string.IsNullOrEmpty(version.RuntimeName)) throw new InvalidOperationException($"node {node.Name}: the CRI runtime did not name itself");
    }

    public async Task PrepareNodesAsync(CancellationToken cancellationToken = default)
    {
        await Task.WhenAll(_nodes.Values.Select(async node =>
        {
            var install = await InstallScriptAsync(node.Name, PluginDirOf(node.Name), cancellationToken).ConfigureAwait(false);
            // The node's own hostname (UTS namespace) is checked in the same SSH command.
            var name = NodeShell.ShellQuote(node.Name);
            var script = $"[ \"$(hostname)\" = {name} ] || {{ echo \"node reports hostname $(hostname), expected \"{name} >&2; exit 90; }}\n" +
                $"bash {NodeShell.ShellQuote(install)} --subnet {node.Node.PodCidr} --network {PodNetwork} && ls /etc/cni/net.d";
            var result = await node.RequireShell().RunAsync(script, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
                throw new InvalidOperationException($"install.sh failed on node {node.Name} (exit {result.ExitCode}):\n{result.Stderr}\n{result.Stdout}");
            if (string.IsNullOrWhiteSpace(result.Stdout))
                throw new InvalidOperationException($"install.sh succeeded on node {node.Name} but wrote no network config into /etc/cni/net.d");
        })).ConfigureAwait(false);
        // containerd notices the new network config asynchronously; pods can be created once it reports NetworkReady.
        await Task.WhenAll(_nodes.Values.Select(node => Waits.UntilAsync($"CRI NetworkReady on node {node.Name}", async token =>
        {
            var status = await node.RequireCri().Runtime.StatusAsync(new StatusRequest(), cancellationToken: token).ConfigureAwait(false);
            var network = status.Status?.Conditions.FirstOrDefault(c => c.Type == "NetworkReady");
            return network is { Status: true } ? Waits.Probe.Ok : Waits.Probe.NotYet($"{network?.Reason}: {network?.Message}");
        }, TimeSpan.FromSeconds(15), cancellationToken: cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>The plugin directory the node is prepared from.</summary>
    public string PluginDirOf(string nodeName) => _pluginDirs.TryGetValue(nodeName, out var dir) ? dir : RepoPaths.PluginDir;

    /// <summary>
    /// install.sh of a plugin directory for a node. A plugin directory without one (e.g. a deliberately broken copy holding
    /// only bash-cni, bash-cni-ipam and lib/) is staged into the run directory beside the product's install.sh,
    /// which installs the binaries found beside itself.
    /// </summary>
    private async Task<string> InstallScriptAsync(string nodeName, string pluginDir, CancellationToken ct)
    {
        var own = Path.Combine(pluginDir, "install.sh");
        if (File.Exists(own)) return own;
        var product = Path.Combine(RepoPaths.Root, "src", "Plugin", "install.sh");
        if (!File.Exists(Path.Combine(pluginDir, "bash-cni")) || !File.Exists(product))
            throw new InvalidOperationException(
                $"cannot install the plugin under test: {pluginDir} has no install.sh (and no bash-cni to stage beside {product}); " +
                "set BASHCNI_PLUGIN_DIR to a plugin directory");
        var staged = Path.Combine(RunDirectory, "plugin-" + nodeName);
        Directory.CreateDirectory(staged);
        await LocalRunner.Instance.RunCheckedAsync("cp", ["-a", "--", pluginDir + "/.", staged + "/"], cancellationToken: ct).ConfigureAwait(false);
        await LocalRunner.Instance.RunCheckedAsync("cp", ["-a", "--", product, Path.Combine(staged, "install.sh")], cancellationToken: ct).ConfigureAwait(false);
        return Path.Combine(staged, "install.sh");
    }

    public async Task DeployPodAsync(V1Pod pod, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var name = PodTranslator.Name(pod);
        var nodeName = PodTranslator.TargetNode(pod)
            ?? throw new ArgumentException($"pod {name} names no node (spec.nodeName or nodeSelector {PodTranslator.HostnameLabel})", nameof(pod));
        var node = NodeOf(nodeName);
        if (_pods.ContainsKey(name)) throw new InvalidOperationException($"pod {name} already exists");
        var containers = pod.Spec?.Containers ?? throw new ArgumentException($"pod {name} has no containers", nameof(pod));
        var cri = node.RequireCri();
        await Waits.UntilAsync($"workload images imported on node {nodeName}", _ => ValueTask.FromResult(
            File.Exists(Path.Combine(node.Directory, "images-ready")) ? Waits.Probe.Ok
            : File.Exists(Path.Combine(node.Directory, "failed")) ? Waits.Probe.Failed(File.ReadAllText(Path.Combine(node.Directory, "failed")).Trim())
            : Waits.Probe.NotYet("NODE_DIR/images-ready not written yet")), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        foreach (var container in containers)
        {
            var image = await cri.Images.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = container.Image } },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (image.Image is null)
                throw new InvalidOperationException($"image {container.Image} of pod {name} is not in node {nodeName}'s store " +
                    "(the local cluster runs offline with the images of fixtures/images/build.sh)");
        }

        var uid = Guid.NewGuid().ToString();
        var cgroupParent = $"/{_residue.CgroupParent}/pod{uid}";
        var sandboxConfig = PodTranslator.SandboxConfig(pod, uid, cgroupParent);

        string sandboxId;
        try
        {
            sandboxId = (await cri.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = sandboxConfig },
                cancellationToken: cancellationToken).ConfigureAwait(false)).PodSandboxId;
        }
        catch (RpcException e)
        {
            throw new InvalidOperationException($"RunPodSandbox for pod {name} on node {nodeName} failed: {e.Status.Detail}", e);
        }
        var ids = new List<string>();
        var local = new LocalPod(name, sandboxConfig.Metadata.Namespace, uid, node, sandboxId, sandboxConfig, ids);
        _pods[name] = local;
        foreach (var container in containers)
        {
            try
            {
                var created = await cri.Runtime.CreateContainerAsync(new CreateContainerRequest
                {
                    PodSandboxId = sandboxId,
                    Config = PodTranslator.ContainerConfig(pod, container, uid),
                    SandboxConfig = sandboxConfig,
                }, cancellationToken: cancellationToken).ConfigureAwait(false);
                ids.Add(created.ContainerId);
                await cri.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = created.ContainerId },
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                throw new InvalidOperationException($"container {container.Name} of pod {name} on node {nodeName} did not start: {e.Status.Detail}", e);
            }
        }
    }

    public async Task<PodState?> GetPodAsync(string podName, CancellationToken cancellationToken = default)
    {
        if (!_pods.TryGetValue(podName, out var pod)) return null;
        var cri = pod.Node.RequireCri();
        var status = await cri.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = pod.SandboxId },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var ip = string.IsNullOrEmpty(status.Status?.Network?.Ip) ? null : status.Status.Network.Ip;
        var phase = "Pending";
        if (status.Status?.State == PodSandboxState.SandboxReady)
        {
            var containers = await cri.Runtime.ListContainersAsync(new ListContainersRequest { Filter = new ContainerFilter { PodSandboxId = pod.SandboxId } },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            var states = pod.ContainerIds.Select(id => containers.Containers.FirstOrDefault(c => c.Id == id)?.State).ToList();
            phase = states.Count > 0 && states.All(s => s == ContainerState.ContainerRunning) ? "Running"
                : states.Any(s => s == ContainerState.ContainerExited) ? "Failed" : "Pending";
        }
        else if (status.Status is not null)
        {
            phase = "Failed";
        }
        return new PodState(pod.Name, pod.Node.Name, ip, phase);
    }

    public async Task DeletePodAsync(string podName, CancellationToken cancellationToken = default)
    {
        if (!_pods.TryGetValue(podName, out var pod)) throw new InvalidOperationException($"no pod {podName} in the local cluster");
        try
        {
            await RemoveSandboxAsync(pod.Node, pod.SandboxId, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw new InvalidOperationException($"deleting pod {podName} on node {pod.Node.Name} failed: {e.Status.Detail}", e);
        }
        _pods.TryRemove(podName, out _);
    }

    /// <summary>The CRI sandbox ID of a pod (for tests that talk CRI themselves), or null.</summary>
    public string? SandboxIdOf(string podName) => _pods.TryGetValue(podName, out var pod) ? pod.SandboxId : null;

    private static async Task RemoveSandboxAsync(LocalNode node, string sandboxId, CancellationToken ct)
    {
        var cri = node.RequireCri();
        await cri.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = sandboxId }, cancellationToken: ct).ConfigureAwait(false);
        await cri.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = sandboxId }, cancellationToken: ct).ConfigureAwait(false);
    }

    public async Task<CommandResult> ExecInPodAsync(string podName, IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!_pods.TryGetValue(podName, out var pod)) throw new InvalidOperationException($"no pod {podName} in the local cluster");
        if (pod.ContainerIds.Count == 0) throw new InvalidOperationException($"pod {podName} has no running container");
        var request = new ExecSyncRequest { ContainerId = pod.ContainerIds[0], Timeout = 60 };
        request.Cmd.AddRange(command);
        var clock = Stopwatch.StartNew();
        var response = await pod.Node.RequireCri().Runtime.ExecSyncAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new CommandResult($"exec {podName} -- {string.Join(' ', command)}", response.ExitCode,
            response.Stdout.ToStringUtf8(), response.Stderr.ToStringUtf8(), clock.Elapsed);
    }

    /// <summary>The image of the probe container (the stand-in of fixtures/deploy.yaml's tool pod image: ping, curl, ip).</summary>
    public const string ProbeImage = "docker.io/nicolaka/netshoot:v0.13";

    /// <summary>The probe container's name, as on a real cluster.</summary>
    public const string ProbeContainerName = "bashcni-probe";

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _probeContainers = new(StringComparer.Ordinal);

    /// <summary>The same way as a real cluster: an ephemeral container in the pod (for the runtime, a container created
    /// in the pod's sandbox, as kubelet does for ephemeral containers), so nginx needs no ping here either.</summary>
    public string PodNetworkVia => "ephemeral container";

    /// <summary>Runs the command in the pod's network namespace from the probe container (image <see cref="ProbeImage"/>),
    /// created in the pod's sandbox on first use — what kubelet does for <c>kubectl debug</c>'s ephemeral container.</summary>
    public async Task<CommandResult> ExecInPodNetworkAsync(string podName, IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var id = await ProbeContainerAsync(podName, cancellationToken).ConfigureAwait(false);
        if (!_pods.TryGetValue(podName, out var pod)) throw new InvalidOperationException($"no pod {podName} in the local cluster");
        var request = new ExecSyncRequest { ContainerId = id, Timeout = 60 };
        request.Cmd.AddRange(command);
        var clock = Stopwatch.StartNew();
        var response = await pod.Node.RequireCri().Runtime.ExecSyncAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new CommandResult($"debug {podName} ({ProbeContainerName}) -- {string.Join(' ', command)}", response.ExitCode,
            response.Stdout.ToStringUtf8(), response.Stderr.ToStringUtf8(), clock.Elapsed);
    }

    /// <summary>Creates and starts the pod's probe container (once).</summary>
    public Task PreparePodNetworkExecAsync(string podName, CancellationToken cancellationToken = default) =>
        ProbeContainerAsync(podName, cancellationToken);

    private async Task<string> ProbeContainerAsync(string podName, CancellationToken cancellationToken)
    {
        if (!_pods.TryGetValue(podName, out var pod)) throw new InvalidOperationException($"no pod {podName} in the local cluster");
        var created = _probeContainers.GetOrAdd(pod.SandboxId, _ => new Lazy<Task<string>>(() => StartProbeContainerAsync(pod, CancellationToken.None)));
        try
        {
            return await created.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _probeContainers.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(pod.SandboxId, created));
            throw;
        }
    }

    private static async Task<string> StartProbeContainerAsync(LocalPod pod, CancellationToken ct)
    {
        var cri = pod.Node.RequireCri();
        var v1Pod = new V1Pod { Metadata = new V1ObjectMeta { Name = pod.Name, NamespaceProperty = pod.Namespace } };
        var container = new V1Container { Name = ProbeContainerName, Image = ProbeImage, Command = ["sleep", "infinity"] };
        try
        {
            var created = await cri.Runtime.CreateContainerAsync(new CreateContainerRequest
            {
                PodSandboxId = pod.SandboxId,
                Config = PodTranslator.ContainerConfig(v1Pod, container, pod.Uid),
                SandboxConfig = pod.SandboxConfig,
            }, cancellationToken: ct).ConfigureAwait(false);
            await cri.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = created.ContainerId }, cancellationToken: ct).ConfigureAwait(false);
            return created.ContainerId;
        }
        catch (RpcException e)
        {
            throw new InvalidOperationException($"probe container of pod {pod.Name} on node {pod.Node.Name} did not start: {e.Status.Detail}", e);
        }
    }

    public Task<CommandResult> RunOnNodeAsync(string nodeName, string script, CancellationToken cancellationToken = default) =>
        NodeOf(nodeName).RequireShell().RunAsync(script, cancellationToken: cancellationToken);

    public async Task<IReadOnlyDictionary<string, string>> CollectDiagnosticsAsync(string nodeName, CancellationToken cancellationToken = default)
    {
        var node = NodeOf(nodeName);
        var sections = new (string Title, string Script)[]
        {
            ("ip addr", "ip addr"),
            ("ip route", "ip route"),
            ("iptables-save", "iptables-save"),
            ("bridge link", "bridge link"),
            ("cni config", "for f in /etc/cni/net.d/*; do echo \"== $f\"; cat \"$f\"; echo; done; ls -l /opt/cni/bin"),
            ("IPAM store", "find /var/lib/cni -type f 2>/dev/null | sort | while read -r f; do printf '%s: %s\\n' \"$f\" \"$(tr '\\r\\n' '  ' <\"$f\")\"; done"),
            ("plugin log", "tail -n 200 /var/log/bash-cni.log 2>&1"),
            ("containerd log", $"tail -n 100 {NodeShell.ShellQuote(node.ContainerdLog)}"),
            ("pod netns", "ls -l /run/netns 2>&1"),
            ("pod logs", "for f in /var/log/pods/*/*/*.log; do [ -f \"$f\" ] && { echo \"== $f\"; tail -n 20 \"$f\"; }; done"),
        };
        // One SSH command for all sections (each SSH exec costs a session set-up on the node).
        const string Marker = "@@bashcni-section ";
        var script = new StringBuilder();
        foreach (var (title, body) in sections)
            script.Append("echo ").Append(NodeShell.ShellQuote(Marker + title)).Append("; { ").Append(body).AppendLine("; } 2>&1");
        var results = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var output = await node.RequireShell().RunAsync(script.ToString(), TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            string? current = null;
            var text = new StringBuilder();
            foreach (var line in output.Stdout.Split('\n'))
            {
                if (line.StartsWith(Marker, StringComparison.Ordinal))
                {
                    if (current is not null) results[current] = text.ToString();
                    current = line[Marker.Length..];
                    text.Clear();
                }
                else if (current is not null)
                {
                    text.AppendLine(line);
                }
            }
            if (current is not null) results[current] = text.ToString();
            if (output.Stderr.Length > 0) results["stderr"] = output.Stderr;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            results["error"] = "could not collect diagnostics over SSH: " + e.Message;
        }
        return results;
    }

    /// <summary>
    /// Stops and removes every pod sandbox, then containerd and sshd by PID, the node anchors, leftover shims and
    /// pod processes of this run, the cgroup directories it made, the relays and the sandbox; then checks that
    /// nothing is left and throws <see cref="InvalidOperationException"/> listing what is.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        var problems = new List<string>();
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = budget.Token;

        // A sandbox the runtime cannot remove (e.g. the plugin's DEL fails) is a finding, not a leftover: its
        // processes are stopped below and its namespaces go with the node's.
        var notes = new List<string>();
        await Task.WhenAll(_nodes.Values.Select(node => RemoveAllSandboxesAsync(node, notes, ct))).ConfigureAwait(false);
        TeardownNotes = notes;
        _pods.Clear();
        foreach (var node in _nodes.Values)
        {
            node.Cri?.Dispose();
            node.Cri = null;
            if (node.Shell is not null) await node.Shell.DisposeAsync().ConfigureAwait(false);
            node.Shell = null;
            if (node.Relay is not null) await node.Relay.DisposeAsync().ConfigureAwait(false);
            node.Relay = null;
        }

        var daemons = new List<int>();
        foreach (var node in _nodes.Values)
        {
            foreach (var name in new[] { "containerd", "sshd" })
                if (node.ReadPid(name) is { } pid) daemons.Add(pid);
        }
        await RunResidue.StopProcessesAsync(daemons, problems, ct).ConfigureAwait(false);
        // Shims (their command line names this run's sockets) and pod processes (in this run's cgroups) outlive a
        // containerd that stopped with tasks still alive; they are this run's and are stopped by PID.
        await RunResidue.StopProcessesAsync(_residue.OwnProcesses(), problems, ct).ConfigureAwait(false);
        await RunResidue.StopProcessesAsync(_nodes.Values.Where(n => n.AnchorPid > 0).Select(n => n.AnchorPid).ToList(), problems, ct).ConfigureAwait(false);
        _residue.RemoveCgroups(problems);

        await _sandbox.DisposeAsync().ConfigureAwait(false);
        try
        {
            if (Directory.Exists(RunDirectory)) Directory.Delete(RunDirectory, recursive: true);
        }
        catch (IOException e)
        {
            problems.Add($"cannot remove {RunDirectory}: {e.Message}");
        }

        var left = _residue.OwnProcesses();
        if (left.Count > 0) problems.Add("processes of this run still running: " + string.Join(", ", left.Select(RunResidue.Describe)));
        if (_residue.CgroupDirectories().ToList() is { Count: > 0 } cgroups) problems.Add("cgroup directories left: " + string.Join(", ", cgroups));
        try
        {
            var rootLinks = await RootLinksAsync(CancellationToken.None).ConfigureAwait(false);
            if (rootLinks != _rootLinksBefore) problems.Add($"root namespace changed:\nbefore:\n{_rootLinksBefore}\nafter:\n{rootLinks}");
        }
        catch (Exception e) when (e is CommandFailedException or TimeoutException)
        {
            problems.Add("cannot read the root namespace's links: " + e.Message);
        }
        if (problems.Count > 0)
            throw new InvalidOperationException("local cluster teardown was not clean:\n- " + string.Join("\n- ", problems));
    }

    private static async Task RemoveAllSandboxesAsync(LocalNode node, List<string> problems, CancellationToken ct)
    {
        if (node.Cri is null) return;
        try
        {
            var sandboxes = await node.Cri.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest(), cancellationToken: ct).ConfigureAwait(false);
            foreach (var sandbox in sandboxes.Items)
            {
                try
                {
                    await RemoveSandboxAsync(node, sandbox.Id, ct).ConfigureAwait(false);
                }
                catch (RpcException e)
                {
                    lock (problems) problems.Add($"node {node.Name}: removing sandbox {sandbox.Metadata?.Name} failed: {e.Status.Detail}");
                }
            }
        }
        catch (RpcException e)
        {
            lock (problems) problems.Add($"node {node.Name}: listing sandboxes failed: {e.Status.Detail}");
        }
    }

    private static async Task<string> RootLinksAsync(CancellationToken ct)
    {
        var links = await LocalRunner.Instance.RunCheckedAsync("ip", ["-br", "link"], cancellationToken: ct).ConfigureAwait(false);
        var netns = await LocalRunner.Instance.RunCheckedAsync("ip", ["netns", "list"], cancellationToken: ct).ConfigureAwait(false);
        var sb = new StringBuilder();
        foreach (var line in links.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            sb.AppendLine(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
        sb.Append("netns: ").AppendLine(netns.Stdout.Trim());
        return sb.ToString();
    }

    private static string ReadTail(string file, int lines)
    {
        if (!File.Exists(file)) return "";
        var all = File.ReadAllLines(file);
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
