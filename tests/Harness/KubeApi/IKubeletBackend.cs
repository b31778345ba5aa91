using System.Text.Json.Nodes;

namespace BashCni.Harness.KubeApi;

/// <summary>
/// The kubelet side behind the API model (<see cref="FakeKubernetesApi"/>): what runs a bound pod, reports its status,
/// answers exec and tears it down. <see cref="ScriptedKubelet"/> advances one scripted step per read (unit tests);
/// CriKubelet drives the embedded cluster's containerd through CRI (the <c>local-api</c> target).
/// Methods without Async run under the model's lock and must not block; the Async ones run outside it.
/// </summary>
public interface IKubeletBackend : IAsyncDisposable
{
    /// <summary>Reads what the node side looks like now (outside the lock), before a node list.</summary>
    Task RefreshNodesAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether the node's kubelet reports Ready (its runtime's network is ready: a CNI config exists), or
    /// null when the backend leaves the node object as it was given.</summary>
    bool? NodeReady(string nodeName);

    /// <summary>A pod was bound to its node: the kubelet starts it.</summary>
    void PodBound(ApiPod pod);

    /// <summary>Reads the pod's node side now (outside the lock), before a read of the pod.</summary>
    Task RefreshPodAsync(ApiPod pod, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Right before the pod is answered: its status is brought up to what the kubelet knows.</summary>
    void BeforeRead(ApiPod pod);

    /// <summary>Right after the pod was answered: one kubelet sync step.</summary>
    void AfterRead(ApiPod pod);

    /// <summary>The pod's deletion began (graceful, or forced: its object is already gone): the kubelet stops it.</summary>
    void DeletionStarted(ApiPod pod);

    /// <summary>One teardown step of a deleted pod; true once the pod is stopped (CNI DEL done) and its object may go.</summary>
    bool AdvanceTeardown(ApiPod pod);

    /// <summary>An ephemeral container was added to the pod spec (<paramref name="container"/> as patched).</summary>
    void EphemeralAdded(ApiPod pod, string name, JsonObject container);

    /// <summary>Whether the named container (regular or ephemeral) runs, so exec may reach it.</summary>
    bool ContainerRunning(ApiPod pod, string container);

    /// <summary>Runs <paramref name="command"/> in the container.</summary>
    Task<ExecOutcome> ExecAsync(ApiPod pod, string container, string image, IReadOnlyList<string> command, CancellationToken cancellationToken);
}

/// <summary>What an exec came to: the process's exit code and output, or (<see cref="StartError"/> set) the runtime
/// could not start it — the kubelet then writes an InternalError status instead of an exit code.</summary>
public sealed record ExecOutcome(int ExitCode, string Stdout, string Stderr, string? StartError = null);
