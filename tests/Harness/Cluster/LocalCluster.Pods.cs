using System.Collections.Concurrent;
using System.Diagnostics;
using BashCni.Harness.Cri.V1;
using BashCni.Harness.Sandbox;
using Grpc.Core;
using k8s.Models;

namespace BashCni.Harness.Cluster;

/// <summary>Pods of the local cluster as CRI pod sandboxes: deploy, state, delete, exec in a container and, through the probe container, in the pod's network.</summary>
public sealed partial class LocalCluster
{
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
}
