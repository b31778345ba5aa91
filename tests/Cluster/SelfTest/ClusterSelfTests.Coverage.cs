using BashCni.Harness.Cluster;
using BashCni.Harness.Reporting;
using BashCni.Tests.Cluster.Checks;
using k8s.Models;

namespace BashCni.Tests.ClusterSelfTest;

/// <summary>
/// Every cluster check is shown able to fail, each by a variant caught by that check and not by an earlier one: the
/// checks the layer runs before it (<see cref="CheckOrder"/>) pass on the variant's node, and the check's own problems
/// hold no set-up failure (a pod that does not exist or has no IP, known by how the check recorded it) other than the
/// problem the variant names.
/// </summary>
public sealed partial class ClusterSelfTests
{
    /// <summary>The cluster checks in the order a pod's story reaches them (PodAddressTests, then PodLifecycleTests).</summary>
    public static readonly IReadOnlyList<string> CheckOrder =
    [
        "the pods run on the nodes their nodeSelector names, each with an IP",
        "each pod IP lies in its node's podCIDR and is a host address",
        "pod IPs are unique across the cluster",
        "the runtime's pod IP is eth0's address inside the pod",
        "the plugin log on each node names every pod it served (K8S_POD_NAME)",
        "repeated deletes of a sandbox do not fail",
    ];

    /// <summary>Cluster checks no variant turns red, each with the reason (none today).</summary>
    public static readonly IReadOnlyDictionary<string, string> ChecksWithoutVariant = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The checks of <see cref="Catchers"/> that no variant of <paramref name="catalog"/> names and no reason excuses.</summary>
    public static IReadOnlyList<string> UncoveredChecks(IEnumerable<ClusterVariant> catalog)
    {
        var named = catalog.Select(v => v.Check).ToHashSet(StringComparer.Ordinal);
        return Catchers.Keys.Where(k => !named.Contains(k) && !ChecksWithoutVariant.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every check this fixture can run is turned red by at least one variant, and the order lists them all.</summary>
    [Test]
    [Order(0)]
    public void EveryClusterCheckHasAVariant()
    {
        var lines = Catchers.Keys.Select(k =>
        {
            var by = _catalog.Where(v => v.Check == k).Select(v => v.Name).ToList();
            return $"{k}: {(by.Count > 0 ? string.Join(", ", by) : ChecksWithoutVariant.TryGetValue(k, out var why) ? "no variant — " + why : "NO VARIANT")}";
        }).ToList();
        Evidence.Attach("cluster check → variants", string.Join('\n', lines));
        TestContext.Out.WriteLine(string.Join('\n', lines));
        Assert.Multiple(() =>
        {
            Assert.That(CheckOrder, Is.EquivalentTo(Catchers.Keys), "CheckOrder and the catchers name different checks");
            Assert.That(UncoveredChecks(_catalog), Is.Empty,
                "cluster checks no broken variant turns red (add a variant with '# cluster-check:' in fixtures/plugins/broken/variants)");
        });
    }

    /// <summary>
    /// The checks before <paramref name="check"/> in <see cref="CheckOrder"/>, run on <paramref name="node"/>'s pods only
    /// (uniqueness among them), with every problem they found: empty when the variant got past them.
    /// </summary>
    private static async Task<IReadOnlyList<ClusterVerdict>> EarlierChecksFailingAsync(LocalCluster cluster, string node, string check, IReadOnlyList<V1Pod> pods)
    {
        var failing = new List<ClusterVerdict>();
        foreach (var earlier in CheckOrder.TakeWhile(c => c != check))
        {
            var verdict = earlier == "pod IPs are unique across the cluster"
                ? await PodChecks.IpsAreUniqueAsync(cluster, OnNode(pods, node))
                : await Catchers[earlier](cluster, node, pods);
            if (!verdict.Passed) failing.Add(verdict);
        }
        return failing;
    }

    /// <summary>The assertions that the variant was caught by its own check, for the right reason.</summary>
    private static async Task AssertCaughtByItsOwnCheckAsync(ClusterVariant v, LocalCluster cluster, string node, IReadOnlyList<V1Pod> pods,
        ClusterVerdict verdict, string report)
    {
        var earlier = await EarlierChecksFailingAsync(cluster, node, v.Check, pods);
        var setUp = verdict.SetUpFailures.Where(s => !v.ProblemPattern.IsMatch(s)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(setUp, Is.Empty, $"'{v.Check}' failed on '{v.Name}' because it could not look at its subject, not for the bug:\n{report}");
            Assert.That(earlier, Is.Empty, $"'{v.Name}' is already caught by a check the layer runs before '{v.Check}':\n{string.Join("\n\n", earlier)}");
        });
    }
}
