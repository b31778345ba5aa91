using System.Collections.Concurrent;
using BashCni.Harness.Cluster;
using BashCni.Harness.Sandbox;
using k8s.Models;

namespace BashCni.Tests.Unit.Reachability;

/// <summary>
/// An <see cref="ICluster"/> for unit tests: the lab's three nodes and four pods, pod execs answered by a
/// delegate, node scripts recorded. Deploy/delete/diagnostics are not used by the reachability code.
/// </summary>
internal sealed class FakeCluster : ICluster
{
    public delegate Task<CommandResult> ExecHandler(string pod, IReadOnlyList<string> command, int call, CancellationToken cancellationToken);

    private readonly Lock _gate = new();
    private int _calls;
    private int _running;
    private int _maxRunning;

    public FakeCluster(string kind = "local", IReadOnlyList<ClusterNode>? nodes = null, IReadOnlyList<PodState>? pods = null)
    {
        Kind = kind;
        Nodes = nodes ?? LabNodes;
        Pods = pods ?? LabPods;
    }

    public static IReadOnlyList<ClusterNode> LabNodes { get; } =
    [
        new("master", "10.0.1.10", "10.244.0.0/24"),
        new("worker-1", "10.0.1.11", "10.244.1.0/24"),
        new("worker-2", "10.0.1.12", "10.244.2.0/24"),
    ];

    public static IReadOnlyList<PodState> LabPods { get; } =
    [
        new("nginx-worker-1", "worker-1", "10.244.1.2", "Running"),
        new("bash-worker-1", "worker-1", "10.244.1.3", "Running"),
        new("nginx-worker-2", "worker-2", "10.244.2.2", "Running"),
        new("bash-worker-2", "worker-2", "10.244.2.3", "Running"),
    ];

    public string Kind { get; }

    public string PodNetwork { get; init; } = "10.244.0.0/16";

    public string? OutsideAddress { get; init; }

    public IReadOnlyList<ClusterNode> Nodes { get; }

    public IReadOnlyList<PodState> Pods { get; }

    /// <summary>Answers pod execs; default: nothing answers (exit 1).</summary>
    public ExecHandler OnExec { get; set; } = (_, command, _, _) => Task.FromResult(Result(command, 1));

    /// <summary>Answers node scripts; default: exit 0.</summary>
    public Func<string, string, CommandResult> OnNode { get; set; } = (_, script) => new CommandResult("sh -c …", 0, "", "", TimeSpan.Zero);

    public ConcurrentQueue<(string Pod, IReadOnlyList<string> Command)> Execs { get; } = new();

    public ConcurrentQueue<(string Node, string Script)> NodeScripts { get; } = new();

    public int MaxConcurrentExecs
    {
        get
        {
            lock (_gate) return _maxRunning;
        }
    }

    /// <summary>A probe's result. Exit 1 without output stands for a dropped probe, answered as the tools do: ping's
    /// exit 1 with its statistics; the HTTP script's curl timing out (exit 28, status 000).</summary>
    public static CommandResult Result(IReadOnlyList<string> command, int exitCode, string stdout = "", string stderr = "") =>
        exitCode == 1 && stdout.Length == 0 && stderr.Length == 0
            ? command[0] == "sh"
                ? new(string.Join(' ', command), 28, "000\n", "curl: (28) Connection timed out after 2002 milliseconds", TimeSpan.FromMilliseconds(1))
                : new(string.Join(' ', command), 1, "1 packets transmitted, 0 received, 100% packet loss, time 0ms", "", TimeSpan.FromMilliseconds(1))
            : new(string.Join(' ', command), exitCode, stdout, stderr, TimeSpan.FromMilliseconds(1));

    /// <summary>The address or URL a probe command targets (its last argument).</summary>
    public static string TargetOf(IReadOnlyList<string> command) => command[^1];

    public async Task<CommandResult> ExecInPodAsync(string podName, IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        Execs.Enqueue((podName, command));
        var call = Interlocked.Increment(ref _calls);
        lock (_gate)
        {
            _running++;
            _maxRunning = Math.Max(_maxRunning, _running);
        }
        try
        {
            return await OnExec(podName, command, call, cancellationToken);
        }
        finally
        {
            lock (_gate) _running--;
        }
    }

    /// <summary>Answers <see cref="ICluster.PreparePodNetworkExecAsync"/>; default: ready.</summary>
    public Func<string, Task> OnPrepare { get; set; } = _ => Task.CompletedTask;

    public ConcurrentQueue<string> Prepared { get; } = new();

    public Task PreparePodNetworkExecAsync(string podName, CancellationToken cancellationToken = default)
    {
        Prepared.Enqueue(podName);
        return OnPrepare(podName);
    }

    public Task<CommandResult> RunOnNodeAsync(string nodeName, string script, CancellationToken cancellationToken = default)
    {
        NodeScripts.Enqueue((nodeName, script));
        return Task.FromResult(OnNode(nodeName, script));
    }

    public Task PrepareNodesAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task DeployPodAsync(V1Pod pod, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("not used by the reachability unit tests");

    public Task<PodState?> GetPodAsync(string podName, CancellationToken cancellationToken = default) =>
        Task.FromResult(Pods.FirstOrDefault(p => p.Name == podName));

    public Task DeletePodAsync(string podName, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("not used by the reachability unit tests");

    public Task<IReadOnlyDictionary<string, string>> CollectDiagnosticsAsync(string nodeName, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
