using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;

namespace BashCni.Tests.Netns.Support;

/// <summary>
/// One test's world: a node namespace (own eth0 uplink, own IPAM data dir and log) and the plugin of a profile
/// running inside it. <see cref="RunAsync"/> attaches the node's evidence when the body fails and asserts that the
/// node and its pods left nothing behind.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    public const string DefaultSubnet = "10.244.1.0/24";

    private TestNode(SandboxHost sandbox, NodeNamespace node, PluginProfile profile)
    {
        Sandbox = sandbox;
        Node = node;
        Profile = profile;
        Plugin = new CniPlugin(profile.PluginDir, profile.Type, sandbox.Runner) { NodeNetNs = node.Name, Timeout = TimeSpan.FromSeconds(60) };
    }

    public SandboxHost Sandbox { get; }
    public NodeNamespace Node { get; }
    public PluginProfile Profile { get; }
    public CniPlugin Plugin { get; }
    public ICommandRunner Runner => Sandbox.Runner;

    /// <summary>The bridge pods attach to (both profiles use cni0).</summary>
    public string Bridge => "cni0";

    public static async Task<TestNode> CreateAsync(PluginProfile profile, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var sandbox = await NetnsLayer.SandboxAsync().ConfigureAwait(false);
        var node = await NodeNamespace.CreateAsync(sandbox.Runner, profile.PluginDir, ct).ConfigureAwait(false);
        return new TestNode(sandbox, node, profile);
    }

    /// <summary>
    /// Runs <paramref name="body"/> on a fresh node of <paramref name="profile"/> (default: the run's profile):
    /// on failure the node's evidence is attached; afterwards the node is deleted and checked for leftovers.
    /// </summary>
    public static async Task RunAsync(Func<TestNode, Task> body, PluginProfile? profile = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        profile ??= NetnsLayer.RequireProfile();
        var node = await CreateAsync(profile).ConfigureAwait(false);
        var passed = false;
        try
        {
            await body(node).ConfigureAwait(false);
            passed = true;
        }
        catch (Exception e) when (e is not IgnoreException and not InconclusiveException and not SuccessException)
        {
            await node.AttachEvidenceAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            var leftovers = await node.DisposeAndCheckAsync().ConfigureAwait(false);
            var text = $"node {node.Node.Name} left things behind:\n  " + string.Join("\n  ", leftovers);
            // After a failure (already red) the leftovers are evidence of it; after a pass they are the failure.
            if (leftovers.Count > 0 && !passed) Evidence.Attach("left behind", text);
            if (leftovers.Count > 0 && passed) Assert.Fail(text);
        }
    }

    /// <summary>The profile's config for this node (its data dir and log file).</summary>
    public NetworkConfig Config(string? cniVersion = null, string subnet = DefaultSubnet, string name = "mynet") =>
        Profile.Config(cniVersion ?? Profile.NewestVersion, subnet, Node.DataDir, Node.LogFile, name);

    /// <summary>A kubelet-like call for <paramref name="pod"/>.</summary>
    public static CniCall Call(PodNamespace pod, NetworkConfig config, string ifName = "eth0")
    {
        ArgumentNullException.ThrowIfNull(pod);
        return new CniCall(pod.ContainerId, pod.Path, ifName, config) { Args = pod.CniArgs };
    }

    /// <summary>A call without container env (VERSION, STATUS, GC): only CNI_COMMAND and CNI_PATH are set.</summary>
    public static CniCall NoContainer(NetworkConfig config) =>
        new("", null, "", config)
        {
            ExtraEnv = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["CNI_CONTAINERID"] = null, ["CNI_NETNS"] = null, ["CNI_IFNAME"] = null, ["CNI_ARGS"] = null,
            },
        };

    public Task<PodNamespace> CreatePodAsync(string name = "pod") => Node.CreatePodAsync(name);

    /// <summary>
    /// Makes a pod namespace and ADDs it; returns both (the exchange may be a failure). <paramref name="expecting"/>
    /// declares the ADD's failure the check's subject (its step is red when it does not fail so).
    /// </summary>
    public async Task<(PodNamespace Pod, CniExchange Add)> AddPodAsync(NetworkConfig config, string name = "pod", ExpectedCniError? expecting = null)
    {
        var pod = await CreatePodAsync(name).ConfigureAwait(false);
        var add = await Plugin.AddAsync(Call(pod, config) with { ExpectedError = expecting }).ConfigureAwait(false);
        return (pod, add);
    }

    /// <summary>The error a call is expected to end with: <paramref name="code"/> when the profile promises CNI error codes, else any CNI error.</summary>
    public ExpectedCniError Expecting(int code) =>
        Profile.Has(PluginProfile.ErrorCodes) ? new ExpectedCniError([code]) : ExpectedCniError.AnyCode;

    /// <summary>
    /// A clean-up DEL (the end of a check, as a runtime would do it): DEL must succeed, so a failure is recorded in
    /// <paramref name="problems"/> ("clean-up DEL of ID/IFNAME failed: …") instead of going unread inside a green check.
    /// </summary>
    public async Task CleanUpAsync(CniCall call, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(problems);
        var del = await Plugin.DelAsync(call with { ExpectedError = null }).ConfigureAwait(false);
        if (!del.Succeeded)
            problems.Add($"clean-up DEL of {call.ContainerId}/{call.IfName} failed: exit {del.ExitCode} {del.Stdout.Trim()} {del.Stderr.Trim()}".TrimEnd());
    }

    /// <summary>
    /// The host ends of pods among the node's links, by the profile's topology: veths that are ports of the bridge
    /// (bridge), veths on no bridge (ptp), none (macvlan: the pod's interface is a child of eth0 and lives in the pod).
    /// </summary>
    public IReadOnlyList<IpLink> HostEnds(IEnumerable<IpLink> nodeLinks) => Profile.Topology switch
    {
        PluginProfile.TopologyPtp => nodeLinks.Where(l => l.Kind == "veth" && l.Name != "eth0" && l.Master is null).ToList(),
        PluginProfile.TopologyMacvlan => [],
        _ => nodeLinks.Where(l => l.Kind == "veth" && l.Master == Bridge).ToList(),
    };

    /// <summary>Where <see cref="HostEnds"/> looks, in words.</summary>
    public string HostEndsWhere => Profile.Topology switch
    {
        PluginProfile.TopologyPtp => "host veths (ptp)",
        PluginProfile.TopologyMacvlan => "host ends (macvlan has none)",
        _ => "veths on the bridge",
    };

    /// <summary>How many host ends <paramref name="added"/> successful ADDs leave on the node (none for macvlan).</summary>
    public int HostEndsFor(int added) => Profile.Topology == PluginProfile.TopologyMacvlan ? 0 : added;

    /// <summary>Reserved addresses of the config's network in this node's store (IP → content).</summary>
    public Task<IReadOnlyDictionary<string, string>> ReservationsAsync(NetworkConfig config) => Node.ReservationsAsync(config.Name);

    /// <summary>Veth links in the node namespace (host ends of pods).</summary>
    public async Task<IReadOnlyList<IpLink>> HostVethsAsync() =>
        (await Node.LinksAsync().ConfigureAwait(false)).Where(l => l.Kind == "veth" && l.Name != "eth0").ToList();

    /// <summary>Attaches ip -d addr, routes, bridge ports, iptables-save, the store and the plugin log tail of this node.</summary>
    public async Task AttachEvidenceAsync()
    {
        try
        {
            foreach (var (name, content) in await Node.CollectEvidenceAsync().ConfigureAwait(false))
            {
                Evidence.Attach(name, content);
                await TestContext.Out.WriteLineAsync($"==== {name}\n{content}").ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is CommandFailedException or TimeoutException or InvalidOperationException)
        {
            Evidence.Attach("evidence collection failed", e.ToString());
        }
    }

    /// <summary>Deletes the node and its pods; returns what was left behind (processes, namespaces, state files).</summary>
    public async Task<IReadOnlyList<string>> DisposeAndCheckAsync()
    {
        var leftovers = new List<string>();
        foreach (var ns in Node.Pods.Where(p => !p.IsDeleted).Cast<NetworkNamespace>().Append(Node))
        {
            var pids = await Runner.RunAsync("ip", ["netns", "pids", ns.Name]).ConfigureAwait(false);
            foreach (var pid in pids.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var comm = await Runner.RunAsync("cat", [$"/proc/{pid}/cmdline"]).ConfigureAwait(false);
                leftovers.Add($"process {pid} ({comm.Stdout.Replace('\0', ' ').Trim()}) still runs in {ns.Name}");
                var kill = await Runner.RunAsync("kill", ["-9", pid]).ConfigureAwait(false);
                if (!kill.Succeeded && !kill.Stderr.Contains("No such process", StringComparison.Ordinal))
                    leftovers.Add($"process {pid} could not be killed: {kill.Stderr.Trim()}");
            }
        }
        await Node.DisposeAsync().ConfigureAwait(false);
        var names = IpJson.ParseNetnsNames((await Runner.RunCheckedAsync("ip", ["-j", "netns", "list"]).ConfigureAwait(false)).Stdout);
        leftovers.AddRange(names.Where(n => n == Node.Name || Node.Pods.Any(p => p.Name == n)).Select(n => "namespace still exists: " + n));
        var state = await Runner.RunAsync("ls", ["-d", Node.StateDir]).ConfigureAwait(false);
        if (state.Succeeded) leftovers.Add("state dir still exists: " + Node.StateDir);
        return leftovers;
    }

    public async ValueTask DisposeAsync() => await DisposeAndCheckAsync().ConfigureAwait(false);
}
