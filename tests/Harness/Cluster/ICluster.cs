using BashCni.Harness.Sandbox;
using k8s.Models;

namespace BashCni.Harness.Cluster;

/// <summary>A node as the cluster tests see it.</summary>
public sealed record ClusterNode(string Name, string Address, string PodCidr);

/// <summary>A pod's state as far as the tests care.</summary>
public sealed record PodState(string Name, string Node, string? Ip, string Phase)
{
    /// <summary>Why the pod cannot come up (e.g. "ErrImagePull: …"), or null while it may.</summary>
    public string? Problem { get; init; }
}

/// <summary>
/// A cluster the cluster layer runs against: the embedded local one (node namespaces + containerd CRI + sshd)
/// or a real Kubernetes cluster (kind, kubeadm, the lab's AWS nodes). The same test code drives both.
/// </summary>
public interface ICluster : IAsyncDisposable
{
    /// <summary>"local", "kind", "kubeconfig", "aws".</summary>
    string Kind { get; }

    IReadOnlyList<ClusterNode> Nodes { get; }

    /// <summary>The cluster's pod network (the plugin's --network; kubeadm's --pod-network-cidr, kind's podSubnet).</summary>
    string PodNetwork => "10.244.0.0/16";

    /// <summary>
    /// An address outside the cluster and the pod network that pods may try to reach (the "outside" probe target),
    /// or null when the backend has none (198.51.100.1 on the local cluster).
    /// </summary>
    string? OutsideAddress => null;

    /// <summary>Installs the plugin on every node with its podCIDR (src/Plugin/install.sh over the node access).</summary>
    Task PrepareNodesAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates the pod (its nodeSelector picks the node) and returns once it was accepted.</summary>
    Task DeployPodAsync(V1Pod pod, CancellationToken cancellationToken = default);

    /// <summary>Current state of a pod, or null when it does not exist.</summary>
    Task<PodState?> GetPodAsync(string podName, CancellationToken cancellationToken = default);

    Task DeletePodAsync(string podName, CancellationToken cancellationToken = default);

    /// <summary>Runs a command inside the pod's (first) container.</summary>
    Task<CommandResult> ExecInPodAsync(string podName, IReadOnlyList<string> command, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a network tool (ping, curl, ip) in the pod's network namespace from a container that carries it, whatever
    /// the pod's own image holds (the official nginx image has no ping). Real clusters and the local one use an
    /// ephemeral debug container in the pod; the default runs the command in the pod's first container.
    /// </summary>
    Task<CommandResult> ExecInPodNetworkAsync(string podName, IReadOnlyList<string> command, CancellationToken cancellationToken = default) =>
        ExecInPodAsync(podName, command, cancellationToken);

    /// <summary>Makes <see cref="ExecInPodNetworkAsync"/> ready for the pod (e.g. adds and starts the debug container,
    /// image pull included), so the first probe is not charged with it. Default: nothing to do.</summary>
    Task PreparePodNetworkExecAsync(string podName, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>How <see cref="ExecInPodNetworkAsync"/> reaches the pod's network namespace (e.g. "ephemeral container").</summary>
    string PodNetworkVia => "exec in pod";

    /// <summary>The command line a person runs to repeat <paramref name="command"/> as <see cref="ExecInPodNetworkAsync"/>
    /// runs it in pod <paramref name="podName"/> (a probe's reproducing command). Default: the command with the way in named.</summary>
    string ReproduceCommand(string podName, IReadOnlyList<string> command) =>
        $"in pod {podName} ({PodNetworkVia}): {BashCni.Harness.Reachability.PlannedProbe.Quote(command)}";

    /// <summary>The addresses pods of every namespace hold on the node now, as the cluster reports them (IP → namespace/name;
    /// pods being deleted left out: their address is on its way out), or null when the cluster cannot say (the local
    /// cluster knows only the pods it was asked to run). Lets a store check tell a system pod's restart from a lost entry.</summary>
    Task<IReadOnlyDictionary<string, string>?> LivePodAddressesAsync(string nodeName, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, string>?>(null);

    /// <summary>Runs a shell script on a node (as root) through the node access (SSH, docker exec, …).</summary>
    Task<CommandResult> RunOnNodeAsync(string nodeName, string script, CancellationToken cancellationToken = default);

    /// <summary>ip addr, ip route, iptables-save, bridge link, IPAM store, plugin log, runtime log tail — by title.</summary>
    Task<IReadOnlyDictionary<string, string>> CollectDiagnosticsAsync(string nodeName, CancellationToken cancellationToken = default);
}
