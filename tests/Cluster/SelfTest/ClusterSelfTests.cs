using BashCni.Harness;
using BashCni.Harness.Cluster;
using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Cluster;
using BashCni.Tests.Cluster.Checks;
using k8s.Models;

// Outside BashCni.Tests.Cluster on purpose: ClusterSession (that namespace's set-up fixture) must not be needed here;
// this fixture starts a cluster of its own.
namespace BashCni.Tests.ClusterSelfTest;

/// <summary>
/// Proof that the cluster layer's checks can fail: the broken variants whose file names a cluster check
/// (fixtures/plugins/broken/variants, <c># cluster-check:</c> / <c># cluster-problem:</c>) are installed on the workers of
/// a second local cluster — one variant per node — the lab's pods (and one more on the master) are deployed, and each
/// variant's check, run on its node's pods, must fail with the named problem. Three variants share one cluster start
/// (a few seconds), so the self-test stays cheap.
/// </summary>
[TestFixture]
[Category("Cluster")]
[NonParallelizable]
public sealed partial class ClusterSelfTests
{
    /// <summary>The nodes that take a variant each, in the order variants are placed (alphabetical by name).</summary>
    private static readonly string[] Slots = ["worker-1", "worker-2", "master"];

    /// <summary>Cluster check name → how to run it for the variant installed on a node (the lab pods deployed).</summary>
    private static readonly IReadOnlyDictionary<string, Func<LocalCluster, string, IReadOnlyList<V1Pod>, Task<ClusterVerdict>>> Catchers =
        new Dictionary<string, Func<LocalCluster, string, IReadOnlyList<V1Pod>, Task<ClusterVerdict>>>(StringComparer.Ordinal)
        {
            ["the pods run on the nodes their nodeSelector names, each with an IP"] = (c, node, pods) => PodChecks.PodsRunOnTheirNodesAsync(c, OnNode(pods, node)),
            ["each pod IP lies in its node's podCIDR and is a host address"] = (c, node, pods) => PodChecks.IpsLieInTheirNodesPodCidrAsync(c, OnNode(pods, node)),
            ["pod IPs are unique across the cluster"] = (c, _, pods) => PodChecks.IpsAreUniqueAsync(c, pods),
            ["the runtime's pod IP is eth0's address inside the pod"] = (c, node, pods) => PodChecks.IpIsTheAddressInsideThePodAsync(c, OnNode(pods, node)),
            ["the plugin log on each node names every pod it served (K8S_POD_NAME)"] = (c, node, pods) => PodChecks.PluginLogNamesEveryPodAsync(c, OnNode(pods, node)),
            ["repeated deletes of a sandbox do not fail"] = (c, node, pods) =>
                PodChecks.RepeatedDeletesOfASandboxSucceedAsync(c, OnNode(pods, node).First(), $"del-twice-{node}"),
        };

    private readonly Dictionary<string, (LocalCluster Cluster, string Node)> _placement = new(StringComparer.Ordinal);
    private readonly List<LocalCluster> _clusters = [];
    private readonly List<string> _teardownProblems = [];
    private readonly List<string> _teardownNotes = [];
    private readonly List<string> _deployNotes = [];
    private IReadOnlyList<ClusterVariant> _catalog = [];
    private IReadOnlyList<V1Pod> _labPods = [];
    private string? _variantsDir;
    private Exception? _startFailure;
    private bool _tornDown;

    private static string Script => RepoPaths.Fixture("plugins", "broken", "make-broken.sh");

    /// <summary>The variant files whose header names a cluster check (read directly, for the test case source).</summary>
    public static IEnumerable<TestCaseData> Variants =>
        Directory.GetFiles(RepoPaths.Fixture("plugins", "broken", "variants"), "*.sh").Order(StringComparer.Ordinal)
            .Where(f => File.ReadLines(f).Any(l => l.StartsWith("# cluster-check: ", StringComparison.Ordinal)))
            .Select(f => new TestCaseData(Path.GetFileNameWithoutExtension(f)).SetName($"BrokenVariantTurnsItsClusterCheckRed({Path.GetFileNameWithoutExtension(f)})"));

    /// <summary>Deploys a pod and waits until it runs with an IP; false (and a note) when it does not.</summary>
    private async Task<bool> DeployAsync(LocalCluster cluster, V1Pod pod)
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

    /// <summary>The lab's pods and a copy of bash-worker-1 on the master, so the master can take a variant too.</summary>
    private static IReadOnlyList<V1Pod> WithAPodOnTheMaster(IReadOnlyList<V1Pod> lab)
    {
        var pod = k8s.KubernetesYaml.Deserialize<V1Pod>(k8s.KubernetesYaml.Serialize(lab.Single(p => p.Metadata.Name == "bash-worker-1")));
        pod.Metadata.Name = "bash-master";
        pod.Spec.NodeSelector = new Dictionary<string, string> { [PodTranslator.HostnameLabel] = "master" };
        return [.. lab, pod];
    }

    private static IReadOnlyList<V1Pod> OnNode(IReadOnlyList<V1Pod> pods, string node) =>
        pods.Where(p => PodTranslator.TargetNode(p) == node).ToList();

    [OneTimeSetUp]
    public async Task StartBrokenClustersAsync()
    {
        if (SandboxHost.UnavailableReason is { } why) Assert.Ignore(why);
        var table = await LocalRunner.Instance.RunCheckedAsync("bash", [Script, "--cluster-table"]);
        _catalog = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ClusterVariant.Parse).ToList();
        _labPods = WithAPodOnTheMaster(ClusterSession.LoadLabPods());
        if (_catalog.Count == 0) return;
        _variantsDir = Directory.CreateTempSubdirectory("bashcni-broken-cluster-").FullName;
        try
        {
            // The variants are patched copies of this project's plugin. Each is built from its patched source (seconds of
            // CPU each): on a loaded machine that takes minutes, so the timeout is a guard against a hang, not a bound.
            await LocalRunner.Instance.RunCheckedAsync("bash",
                [Script, RepoPaths.PluginSource, _variantsDir, .. _catalog.Select(v => v.Name)],
                new CommandOptions { Timeout = TimeSpan.FromMinutes(40) });
            foreach (var batch in _catalog.Chunk(Slots.Length))
            {
                var dirs = batch.Select((v, i) => (Node: Slots[i], Dir: Path.Combine(_variantsDir, v.Name))).ToDictionary(x => x.Node, x => x.Dir, StringComparer.Ordinal);
                var cluster = await LocalCluster.StartAsync(dirs);
                _clusters.Add(cluster);
                for (var i = 0; i < batch.Length; i++) _placement[batch[i].Name] = (cluster, Slots[i]);
                await cluster.PrepareNodesAsync();
                // A broken plugin may keep a pod from starting: that is for the variant's check to judge (the pod
                // is then missing or not Running), so a failed deployment is noted, not thrown.
                var running = await Task.WhenAll(_labPods.Select(pod => DeployAsync(cluster, pod)));
                await TestContext.Progress.WriteLineAsync(
                    $"cluster self-test: {string.Join(", ", dirs.Select(d => $"{Path.GetFileName(d.Value)} on {d.Key}"))} — " +
                    $"{running.Count(r => r)} of {_labPods.Count} pods running");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _startFailure = e;
        }
    }

    [OneTimeTearDown]
    public async Task RemoveAsync()
    {
        var mine = !_tornDown;
        if (mine) await TearDownClustersAsync();
        if (_variantsDir is not null && Directory.Exists(_variantsDir)) Directory.Delete(_variantsDir, recursive: true);
        // Only when BrokenClustersAreTornDownWithoutLeftovers did not run (a filtered run): its findings must not vanish.
        if (mine) Assert.That(_teardownProblems, Is.Empty, "the clusters of broken variants left things behind");
    }

    private async Task TearDownClustersAsync()
    {
        _tornDown = true;
        foreach (var cluster in _clusters)
        {
            try
            {
                await cluster.DisposeAsync();
            }
            catch (InvalidOperationException e)
            {
                _teardownProblems.Add(e.Message);
            }
            // Sandboxes the runtime could not remove are expected from a plugin whose DEL is broken.
            _teardownNotes.AddRange(cluster.TeardownNotes);
        }
    }

    /// <summary>The variant → cluster check table agrees with the variant files, every check is one this fixture runs,
    /// and tests/Cluster/README.md shows the table.</summary>
    [Test]
    [Order(0)]
    public async Task EveryClusterVariantNamesACheckOfTheLayer()
    {
        var rows = _catalog.Select((v, i) => v.TableRow(Slots[i % Slots.Length]));
        var table = ClusterVariant.TableHeader + "\n" + string.Join("\n", rows) + "\n";
        await TestContext.Out.WriteLineAsync(table);
        Evidence.Attach("variant → cluster check", table);
        var readme = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "Cluster", "README.md"));
        Assert.Multiple(() =>
        {
            Assert.That(_catalog, Is.Not.Empty, "no broken variant names a cluster check: the cluster layer's checks are not shown able to fail");
            Assert.That(_catalog.Select(v => v.Name), Is.EqualTo(Variants.Select(c => (string)c.Arguments[0]!)),
                "make-broken.sh --cluster-table and the variant files differ");
            foreach (var v in _catalog)
                Assert.That(Catchers.ContainsKey(v.Check), Is.True,
                    $"variant '{v.Name}' names the cluster check '{v.Check}', which this fixture does not run (known: {string.Join("; ", Catchers.Keys)})");
            Assert.That(readme.ReplaceLineEndings("\n"), Does.Contain(table), "tests/Cluster/README.md does not hold the variant → cluster check table; paste the table above");
        });
    }

    [TestCaseSource(nameof(Variants))]
    [Order(1)]
    public async Task BrokenVariantTurnsItsClusterCheckRed(string variant)
    {
        if (_startFailure is not null) Assert.Fail($"the cluster of broken variants did not come up: {_startFailure}");
        var v = _catalog.SingleOrDefault(c => c.Name == variant);
        Assert.That(v, Is.Not.Null, $"make-broken.sh --cluster-table does not list '{variant}'");
        Assert.That(Catchers.TryGetValue(v!.Check, out var run), Is.True, $"no cluster check named '{v.Check}'");
        var (cluster, node) = _placement[variant];
        Evidence.Parameter("check", v.Check);
        Evidence.Parameter("node", node);
        ClusterVerdict verdict;
        // The plugin is broken on purpose: steps that fail on the way are the subject, judged by the assertions below.
        using (RedSteps.Expect($"the broken variant {variant} on {node}"))
            verdict = await run!(cluster, node, _labPods);
        var notes = _deployNotes.Where(n => n.Contains($" on {node}: ", StringComparison.Ordinal)).ToList();
        var report = $"variant {variant} on {node}\nmust trip: {v.Check}\nwith a problem matching: {v.Problem}\n\n{verdict}" +
            (notes.Count > 0 ? "\n\npods that did not start on " + node + ":\n" + string.Join('\n', notes) : "");
        await TestContext.Out.WriteLineAsync(report);
        Evidence.Attach($"verdict on {variant}", report);
        Assert.Multiple(() =>
        {
            Assert.That(verdict.Check, Is.EqualTo(v.Check), $"the catcher for '{v.Check}' ran another check");
            Assert.That(verdict.Passed, Is.False, $"the broken variant '{variant}' passed the cluster check meant to catch it:\n{report}");
            Assert.That(verdict.Problems.Any(p => v.ProblemPattern.IsMatch(p)), Is.True,
                $"'{v.Check}' failed on '{variant}', but not with a problem matching /{v.Problem}/:\n{report}");
        });
        await AssertCaughtByItsOwnCheckAsync(v, cluster, node, _labPods, verdict, report);
    }

    /// <summary>The broken clusters go away without leftovers (sandboxes a broken DEL could not remove are noted, not failures).</summary>
    [Test]
    [Order(2)]
    public async Task BrokenClustersAreTornDownWithoutLeftovers()
    {
        if (_clusters.Count == 0 && _catalog.Count > 0) Assert.Fail($"no cluster of broken variants was started: {_startFailure}");
        await TearDownClustersAsync();
        if (_teardownNotes.Count > 0) Evidence.Attach("teardown notes (expected from broken DELs)", string.Join('\n', _teardownNotes));
        Assert.That(_teardownProblems, Is.Empty, "the clusters of broken variants left things behind");
    }
}
