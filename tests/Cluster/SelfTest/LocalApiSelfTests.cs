using BashCni.Harness;
using BashCni.Harness.Cluster;
using BashCni.Harness.KubeApi;
using BashCni.Harness.Kubernetes;
using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Cluster;
using BashCni.Tests.Cluster.Checks;
using k8s.Models;

namespace BashCni.Tests.ClusterSelfTest;

/// <summary>
/// The cluster self-test on the <c>local-api</c> target: the broken variants whose cluster check runs through any
/// cluster (<see cref="ICluster"/>: everything but the local cluster's own CRI checks) are installed — install.sh over
/// SSH — on the lab nodes of a second <c>local-api</c> cluster (<see cref="LocalApiProfile.Lab"/>: the lab's
/// addresses, which the variants' problems name), the lab's pods and one on the master are created through the API,
/// and each variant's check must fail there with its problem, exactly as on the local target
/// (<see cref="ClusterSelfTests"/>). It runs in a run on <c>local-api</c> and is skipped, saying so, on the other
/// targets (the local target's run has <see cref="ClusterSelfTests"/>); each result carries the parameter
/// <c>cluster target</c>.
/// </summary>
[TestFixture]
[Category("Cluster")]
[NonParallelizable]
public sealed class LocalApiSelfTests
{
    private static readonly string[] Slots = ["worker-1", "worker-2", "master"];

    /// <summary>Cluster check → how it runs on a cluster behind an API, for the variant on a node.</summary>
    private static readonly IReadOnlyDictionary<string, Func<ICluster, string, IReadOnlyList<V1Pod>, Task<ClusterVerdict>>> Catchers =
        new Dictionary<string, Func<ICluster, string, IReadOnlyList<V1Pod>, Task<ClusterVerdict>>>(StringComparer.Ordinal)
        {
            ["the pods run on the nodes their nodeSelector names, each with an IP"] = (c, node, pods) => PodChecks.PodsRunOnTheirNodesAsync(c, OnNode(pods, node)),
            ["each pod IP lies in its node's podCIDR and is a host address"] = (c, node, pods) => PodChecks.IpsLieInTheirNodesPodCidrAsync(c, OnNode(pods, node)),
            ["pod IPs are unique across the cluster"] = (c, _, pods) => PodChecks.IpsAreUniqueAsync(c, pods),
            ["the runtime's pod IP is eth0's address inside the pod"] = (c, node, pods) => PodChecks.IpIsTheAddressInsideThePodAsync(c, OnNode(pods, node)),
            ["the plugin log on each node names every pod it served (K8S_POD_NAME)"] = (c, node, pods) => PodChecks.PluginLogNamesEveryPodAsync(c, OnNode(pods, node)),
        };

    /// <summary>How a problem reads behind an API where the local cluster words it otherwise: a pod whose sandbox never
    /// comes up is not gone there, it stays Pending (ContainerCreating) with no IP.</summary>
    private static readonly IReadOnlyDictionary<string, string> ApiProblems = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["^pod \\S+ does not exist$"] = "^pod \\S+ is Pending, not Running$",
    };

    private static bool OnLocalApi => ClusterFactory.TargetFromEnvironment() == LocalApiTarget.Name;

    private static string Script => RepoPaths.Fixture("plugins", "broken", "make-broken.sh");

    /// <summary>The variants whose check runs behind an API (read from the variant files).</summary>
    public static IEnumerable<TestCaseData> Variants =>
        Directory.GetFiles(RepoPaths.Fixture("plugins", "broken", "variants"), "*.sh").Order(StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileNameWithoutExtension(f),
                Check: File.ReadLines(f).FirstOrDefault(l => l.StartsWith("# cluster-check: ", StringComparison.Ordinal))?["# cluster-check: ".Length..].Trim()))
            .Where(v => v.Check is not null && Catchers.ContainsKey(v.Check))
            .Select(v => new TestCaseData(v.Name).SetName($"BrokenVariantTurnsItsClusterCheckRedOnLocalApi({v.Name})"));

    private readonly Dictionary<string, (KubernetesCluster Cluster, string Node)> _placement = new(StringComparer.Ordinal);
    private readonly List<KubernetesCluster> _clusters = [];
    private readonly List<string> _deployNotes = [];
    private IReadOnlyList<ClusterVariant> _catalog = [];
    private IReadOnlyList<V1Pod> _pods = [];
    private string? _variantsDir;
    private Exception? _startFailure;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        // Another target: each case says so itself (a skip in the one-time set-up would be a result of its own).
        if (!OnLocalApi) return;
        if (SandboxHost.UnavailableReason is { } why) Assert.Ignore(why);
        var table = await LocalRunner.Instance.RunCheckedAsync("bash", [Script, "--cluster-table"], new CommandOptions { Timeout = TimeSpan.FromMinutes(5) });
        _catalog = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ClusterVariant.Parse).Where(v => Catchers.ContainsKey(v.Check)).ToList();
        var lab = ClusterSession.LoadLabPods();
        var onMaster = k8s.KubernetesYaml.Deserialize<V1Pod>(k8s.KubernetesYaml.Serialize(lab.Single(p => p.Metadata.Name == "bash-worker-1")));
        onMaster.Metadata.Name = "bash-master";
        onMaster.Spec.NodeSelector = new Dictionary<string, string> { [PodTranslator.HostnameLabel] = "master" };
        _pods = [.. lab, onMaster];
        if (_catalog.Count == 0) return;
        _variantsDir = Directory.CreateTempSubdirectory("bashcni-broken-api-").FullName;
        try
        {
            // Patching the variants is bounded by its own work, not by the default minute: a busy machine makes it slow.
            await LocalRunner.Instance.RunCheckedAsync("bash", [Script, RepoPaths.PluginSource, _variantsDir, .. _catalog.Select(v => v.Name)],
                new CommandOptions { Timeout = TimeSpan.FromMinutes(5) });
            foreach (var batch in _catalog.Chunk(Slots.Length))
            {
                var dirs = batch.Select((v, i) => (Node: Slots[i], Dir: Path.Combine(_variantsDir, v.Name))).ToDictionary(x => x.Node, x => x.Dir, StringComparer.Ordinal);
                var cluster = await LocalApiTarget.CreateAsync(LocalApiProfile.Lab, dirs);
                _clusters.Add(cluster);
                for (var i = 0; i < batch.Length; i++) _placement[batch[i].Name] = (cluster, Slots[i]);
                await cluster.PreflightAsync();
                await cluster.PrepareNodesAsync();
                var running = await Task.WhenAll(_pods.Select(pod => DeployAsync(cluster, pod)));
                await TestContext.Progress.WriteLineAsync(
                    $"cluster self-test on {LocalApiTarget.Name}: {string.Join(", ", dirs.Select(d => $"{Path.GetFileName(d.Value)} on {d.Key}"))} — " +
                    $"{running.Count(r => r)} of {_pods.Count} pods running");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _startFailure = e;
        }
    }

    private async Task<bool> DeployAsync(ICluster cluster, V1Pod pod)
    {
        try
        {
            await cluster.DeployPodAsync(pod);
            await PodWaits.RunningWithIpAsync(cluster, pod.Metadata.Name, TimeSpan.FromSeconds(30));
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            lock (_deployNotes) _deployNotes.Add($"{pod.Metadata.Name} on {PodTranslator.TargetNode(pod)}: {e.Message}");
            return false;
        }
    }

    private static IReadOnlyList<V1Pod> OnNode(IReadOnlyList<V1Pod> pods, string node) =>
        pods.Where(p => PodTranslator.TargetNode(p) == node).ToList();

    [TestCaseSource(nameof(Variants))]
    [Order(1)]
    public async Task BrokenVariantTurnsItsClusterCheckRedOnLocalApi(string variant)
    {
        if (!OnLocalApi)
            Assert.Ignore($"runs in the cluster layer's run on --target {LocalApiTarget.Name} (this run's target: {ClusterFactory.TargetFromEnvironment()})");
        if (_startFailure is not null) Assert.Fail($"the {LocalApiTarget.Name} cluster of broken variants did not come up: {_startFailure}");
        var v = _catalog.SingleOrDefault(c => c.Name == variant);
        Assert.That(v, Is.Not.Null, $"make-broken.sh --cluster-table does not list '{variant}' with a check that runs behind an API");
        var (cluster, node) = _placement[variant];
        Evidence.Parameter("cluster target", cluster.Kind);
        Evidence.Parameter("check", v!.Check);
        Evidence.Parameter("node", node);
        var pattern = ApiProblems.TryGetValue(v.Problem, out var api) ? new System.Text.RegularExpressions.Regex(api, System.Text.RegularExpressions.RegexOptions.Multiline) : v.ProblemPattern;
        var verdict = await Catchers[v.Check](cluster, node, _pods);
        var notes = _deployNotes.Where(n => n.Contains($" on {node}: ", StringComparison.Ordinal)).ToList();
        var report = $"variant {variant} on {node} of a {cluster.Kind} cluster\nmust trip: {v.Check}\nwith a problem matching: {pattern}\n\n{verdict}" +
            (notes.Count > 0 ? "\n\npods that did not start on " + node + ":\n" + string.Join('\n', notes) : "");
        await TestContext.Out.WriteLineAsync(report);
        Evidence.Attach($"verdict on {variant} ({cluster.Kind})", report);
        Assert.Multiple(() =>
        {
            Assert.That(verdict.Check, Is.EqualTo(v.Check));
            Assert.That(verdict.Passed, Is.False, $"the broken variant '{variant}' passed the cluster check meant to catch it on {cluster.Kind}:\n{report}");
            Assert.That(verdict.Problems.Any(p => pattern.IsMatch(p)), Is.True, $"'{v.Check}' failed on '{variant}', but not with a problem matching /{pattern}/:\n{report}");
        });
    }

    /// <summary>
    /// A plugin that hands an address out twice (<c>duplicate-addresses</c>) leaves one store entry for two pods of a
    /// node, owned by the pod added last. Deleting the other pod must return once that pod is gone and not wait for the
    /// entry, which belongs to a pod that still runs (the teardown of this fixture's clusters deletes its pods in any
    /// order). Which pod owns the entry is read from the node's runtime (the sandbox IDs of the pods) and store.
    /// </summary>
    [Test]
    [Order(2)]
    public async Task PodWhoseAddressAnotherPodHoldsIsDeletedWithoutWaitingForThatPodsEntry()
    {
        if (!OnLocalApi)
            Assert.Ignore($"runs in the cluster layer's run on --target {LocalApiTarget.Name} (this run's target: {ClusterFactory.TargetFromEnvironment()})");
        if (_startFailure is not null) Assert.Fail($"the {LocalApiTarget.Name} cluster of broken variants did not come up: {_startFailure}");
        const string Variant = "duplicate-addresses";
        Assert.That(_placement.TryGetValue(Variant, out var placed), Is.True, $"no cluster runs {Variant}");
        var (cluster, node) = placed;
        Evidence.Parameter("cluster target", cluster.Kind);
        Evidence.Parameter("node", node);
        var machinery = cluster.Owned as LocalApiMachinery ?? throw new InvalidOperationException("the cluster is not a local-api cluster");
        var cri = machinery.Local.NodeOf(node).RequireCri();
        var sandboxes = await cri.Runtime.ListPodSandboxAsync(new BashCni.Harness.Cri.V1.ListPodSandboxRequest());
        var pods = new List<(string Name, string Ip, string Sandbox)>();
        foreach (var pod in OnNode(_pods, node))
        {
            var state = await cluster.GetPodAsync(pod.Metadata.Name);
            var sandbox = sandboxes.Items.Where(x => x.Labels.TryGetValue("io.kubernetes.pod.name", out var n) && n == pod.Metadata.Name)
                .OrderByDescending(x => x.CreatedAt).FirstOrDefault();
            if (state?.Ip is { } ip && sandbox is not null) pods.Add((pod.Metadata.Name, ip, sandbox.Id));
        }
        var shared = pods.GroupBy(p => p.Ip).FirstOrDefault(g => g.Count() > 1);
        Assert.That(shared, Is.Not.Null, $"{Variant} on {node} handed out no address twice: {string.Join(", ", pods.Select(p => $"{p.Name} {p.Ip}"))}");
        var ipShared = shared!.Key;
        var entry = PodNodeState.Parse((await cluster.RunOnNodeAsync(node, PodNodeState.Script(ipShared, null))).EnsureSuccess().Stdout);
        var owner = shared.SingleOrDefault(p => p.Sandbox == entry.StoreOwner);
        Assert.That(owner.Name, Is.Not.Null, $"the store entry of {ipShared} on {node} ({entry}) belongs to none of {string.Join(", ", shared.Select(p => $"{p.Name} ({p.Sandbox})"))}");
        var other = shared.First(p => p.Name != owner.Name);
        var report = $"{ipShared} on {node} is held by {string.Join(", ", shared.Select(p => p.Name))}; the store entry is {owner.Name}'s (sandbox {owner.Sandbox}); deleting {other.Name}";
        await TestContext.Out.WriteLineAsync(report);
        Evidence.Attach("pods sharing an address", report);

        await cluster.DeletePodAsync(other.Name);

        var after = PodNodeState.Parse((await cluster.RunOnNodeAsync(node, PodNodeState.Script(ipShared, null))).EnsureSuccess().Stdout);
        var left = await cluster.GetPodAsync(other.Name);
        Assert.Multiple(() =>
        {
            Assert.That(left, Is.Null, $"{other.Name} is still in the API after its deletion returned");
            Assert.That(after.StoreOwner, Is.EqualTo(owner.Sandbox), $"the store entry of {ipShared}, {owner.Name}'s, changed when {other.Name} was deleted");
        });
    }

    /// <summary>The clusters of broken variants go away; what a broken DEL left is the local teardown's note, not a failure
    /// here (as in <see cref="ClusterSelfTests"/>); anything else left behind fails the fixture.</summary>
    [OneTimeTearDown]
    public async Task RemoveAsync()
    {
        var problems = new List<string>();
        foreach (var cluster in _clusters)
        {
            try
            {
                await cluster.DisposeAsync();
            }
            catch (InvalidOperationException e)
            {
                problems.Add(e.Message);
            }
            if (cluster.Owned is LocalApiMachinery { Local.TeardownNotes.Count: > 0 } m)
                await TestContext.Progress.WriteLineAsync("teardown notes (expected from broken DELs): " + string.Join("; ", m.Local.TeardownNotes));
        }
        if (_variantsDir is not null && Directory.Exists(_variantsDir)) Directory.Delete(_variantsDir, recursive: true);
        Assert.That(problems, Is.Empty, $"the {LocalApiTarget.Name} clusters of broken variants left things behind");
    }
}
