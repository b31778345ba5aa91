using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using BashCni.Harness.Sandbox;

namespace BashCni.Harness.Cluster;

/// <summary>
/// The embedded three-node cluster, entirely inside one sandbox (<see cref="SandboxHost"/>):
/// a "vpc" bridge 10.0.1.0/24 with a router (10.0.1.1) that reaches a simulated outside host (198.51.100.1);
/// nodes master, worker-1, worker-2 (10.0.1.10/11/12, podCIDRs 10.244.0/1/2.0/24), each its own network, mount
/// and UTS namespace with private /run, /var/log, /var/lib/cni, /etc/cni/net.d and /opt/cni/bin, running
/// sshd and containerd (CRI). Nodes are provisioned over SSH; pods are CRI pod sandboxes, so the plugin is called
/// exactly as kubelet + containerd call it.
/// </summary>
public sealed partial class LocalCluster : ICluster
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
        IReadOnlyDictionary<string, string>? pluginDirs, LocalClusterLayout layout)
    {
        _layout = layout;
        _pluginDirs = pluginDirs ?? new Dictionary<string, string>(StringComparer.Ordinal);
        _sandbox = sandbox;
        RunDirectory = runDir;
        RunId = runId;
        ImageDirectory = imageDir;
        _rootLinksBefore = rootLinksBefore;
        _residue = new RunResidue(runDir, runId);
        _nodes = layout.Nodes.ToDictionary(n => n.Name, n => new LocalNode(n, Path.Combine(runDir, n.Name)), StringComparer.Ordinal);
    }

    public string Kind => "local";

    public IReadOnlyList<ClusterNode> Nodes => _layout.Nodes;

    private readonly LocalClusterLayout _layout;

    /// <summary>The pod network the nodes' plugin config names (<see cref="LocalClusterLayout.PodNetwork"/>).</summary>
    public string ClusterPodNetwork => _layout.PodNetwork;

    string ICluster.PodNetwork => _layout.PodNetwork;

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

    /// <summary>Builds (or reuses) the images, starts the sandbox, network, nodes, SSH and CRI; throws with the reason if anything fails.</summary>
    public static Task<LocalCluster> StartAsync(CancellationToken cancellationToken = default) => StartAsync(null, cancellationToken);

    /// <summary>
    /// As <see cref="StartAsync(CancellationToken)"/>, with the plugin directory each node is prepared from (node name →
    /// directory; nodes not named get the plugin under test, <see cref="RepoPaths.PluginDir"/>). The cluster layer's
    /// self-test runs a deliberately broken variant on each worker this way.
    /// </summary>
    public static Task<LocalCluster> StartAsync(IReadOnlyDictionary<string, string>? pluginDirs, CancellationToken cancellationToken = default) =>
        StartAsync(pluginDirs, LocalClusterLayout.Lab, cancellationToken);

    /// <summary>As <see cref="StartAsync(IReadOnlyDictionary{string, string}?, CancellationToken)"/>, with the nodes'
    /// podCIDRs and the pod network of <paramref name="layout"/> (the <c>local-api</c> target's realistic profile uses
    /// another pod network than the lab's).</summary>
    public static async Task<LocalCluster> StartAsync(IReadOnlyDictionary<string, string>? pluginDirs, LocalClusterLayout layout,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (pluginDirs?.Keys.FirstOrDefault(n => layout.Nodes.All(d => d.Name != n)) is { } unknown)
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
        var cluster = new LocalCluster(sandbox, runDir, runId, imageDir, rootLinks, pluginDirs, layout);
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
}
