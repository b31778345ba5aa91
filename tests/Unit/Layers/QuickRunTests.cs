using System.Reflection;
using BashCni.Harness;
using BashCni.Harness.Cni;
using BashCni.Harness.Layers;
using BashCni.Harness.Reachability;
using BashCni.Harness.Sandbox;
using BashCni.Tests.ClusterSelfTest;
using BashCni.Tests.Netns.SelfTest;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Layers;

/// <summary>
/// What <c>./run-tests.sh --quick</c> runs (tests of category <see cref="QuickRun.Category"/>): every check family of the
/// netns layer with its self-test variant, every CNI command and version, every cluster check with its variant and both
/// reachability stages — and <c>.ci/run</c> never runs it.
/// </summary>
[TestFixture]
[Category("Unit")]
[Category(QuickRun.Category)]
public sealed class QuickRunTests
{
    private static bool IsQuick(MemberInfo member) =>
        member.GetCustomAttributes<CategoryAttribute>().Any(c => c.Name == QuickRun.Category)
        || member.DeclaringType is { } type && type.GetCustomAttributes<CategoryAttribute>().Any(c => c.Name == QuickRun.Category);

    private static MethodInfo Method(Type type, string name) =>
        type.GetMethod(name) ?? throw new InvalidOperationException($"{type.Name}.{name} does not exist");

    [Test]
    public void EveryCheckFamilyHasAQuickSelfTestVariant()
    {
        var quickVariants = SelfTests.Variants.Where(c => c.Properties["Category"].OfType<string>().Contains(QuickRun.Category))
            .Select(c => (string)c.Arguments[0]!).ToList();
        var checks = BrokenVariants.FileChecks;
        var familyOfCheck = Catchers.All.Values.ToDictionary(c => c.Check, c => c.Family, StringComparer.Ordinal);
        var covered = quickVariants.Select(v => familyOfCheck.GetValueOrDefault(checks[v], checks[v])).ToHashSet(StringComparer.Ordinal);
        var families = Catchers.All.Values.Select(c => c.Family).Distinct(StringComparer.Ordinal);
        // A family without any variant (SelfTests.FamiliesWithoutVariant) has no self-test to run: it is named there with why.
        var uncovered = families.Where(f => !covered.Contains(f) && !SelfTests.FamiliesWithoutVariant.ContainsKey(f)).Order(StringComparer.Ordinal).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(uncovered, Is.Empty, "check families without a quick self-test variant");
            Assert.That(quickVariants, Has.Count.EqualTo(covered.Count), "a quick run proves each family once");
            Assert.That(BrokenVariants.QuickNames, Is.EquivalentTo(quickVariants), "the variants a quick run builds are the ones it runs");
        });
    }

    [Test]
    public void RepresentativesAreOnePerFamilyAndStable()
    {
        var chosen = QuickRun.Representatives([("b-variant", "f1"), ("a-variant", "f1"), ("c-variant", "f2")]);
        Assert.That(chosen, Is.EquivalentTo(new[] { "a-variant", "c-variant" }));
    }

    [Test]
    public void EveryCniCommandAndVersionRunsInAQuickRun()
    {
        var byCommand = new Dictionary<string, MethodInfo>(StringComparer.Ordinal)
        {
            [CniCommand.Add] = Method(typeof(Netns.Conformance.AddTests), nameof(Netns.Conformance.AddTests.AddResultMatchesTheKernel)),
            [CniCommand.Del] = Method(typeof(Netns.Conformance.DelTests), nameof(Netns.Conformance.DelTests.DelSucceedsAndReleases)),
            [CniCommand.Check] = Method(typeof(Netns.Conformance.CheckTests), nameof(Netns.Conformance.CheckTests.CheckAgainstTheKernel)),
            [CniCommand.Version] = Method(typeof(Netns.Conformance.VersionStatusGcTests), nameof(Netns.Conformance.VersionStatusGcTests.VersionAnswersInTheConfigsVersionAndListsWhatItSupports)),
            [CniCommand.Status] = Method(typeof(Netns.Conformance.VersionStatusGcTests), nameof(Netns.Conformance.VersionStatusGcTests.StatusIsReadyAndReportsExhaustionAsCode50)),
            [CniCommand.Gc] = Method(typeof(Netns.Conformance.VersionStatusGcTests), nameof(Netns.Conformance.VersionStatusGcTests.GcKeepsValidAttachmentsAndReleasesTheRest)),
        };
        Assert.Multiple(() =>
        {
            Assert.That(byCommand.Keys, Is.EquivalentTo(CniCommand.All), "a command without a quick test");
            foreach (var (command, method) in byCommand)
                Assert.That(IsQuick(method), Is.True, $"{command}: {method.DeclaringType!.Name}.{method.Name} is not in the quick run");
            // ADD and VERSION run once per version: every version is spoken in a quick run.
            Assert.That(Netns.Conformance.AddTests.Versions, Is.EquivalentTo(CniVersions.All));
            Assert.That(Netns.Conformance.VersionStatusGcTests.Versions, Is.EquivalentTo(CniVersions.All));
        });
    }

    [Test]
    public void EveryClusterCheckWithItsVariantAndBothReachabilityStagesRunInAQuickRun()
    {
        // The cluster checks in the order the layer reaches them: PodAddressTests, then PodLifecycleTests; each is shown
        // able to fail by ClusterSelfTests.
        var fixtures = new[] { typeof(Cluster.PodAddressTests), typeof(Cluster.PodLifecycleTests), typeof(ClusterSelfTests), typeof(Cluster.ReachabilityTests) };
        var stageTests = typeof(Cluster.ReachabilityTests).GetMethods().Where(m => m.GetCustomAttribute<TestAttribute>() is not null).Select(m => m.Name).ToList();
        Assert.Multiple(() =>
        {
            foreach (var f in fixtures)
                Assert.That(f.GetCustomAttributes<CategoryAttribute>().Select(c => c.Name), Does.Contain(QuickRun.Category), $"{f.Name} is not in the quick run");
            Assert.That(ClusterSelfTests.CheckOrder, Is.Not.Empty);
            foreach (var stage in Stages.Names)
                Assert.That(stageTests, Has.Some.StartsWith(char.ToUpperInvariant(stage[0]) + stage[1..] + "Stage"), $"no reachability test of the {stage} stage");
        });
    }

    [Test]
    public async Task CiNeverRunsAQuickRun()
    {
        var ci = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, ".ci", "run"));
        Assert.That(ci, Does.Not.Contain("--quick").And.Not.Contain("BASHCNI_QUICK"), ".ci/run must run the whole verification");
        // And run-tests.sh refuses a quick run under CI=true (checked before anything is installed or built).
        var r = await LocalRunner.Instance.RunAsync("bash", [Path.Combine(RepoPaths.Root, "run-tests.sh"), "--quick", "unit"],
            new CommandOptions { Environment = new Dictionary<string, string?> { ["CI"] = "true" } });
        Assert.Multiple(() =>
        {
            Assert.That(r.ExitCode, Is.EqualTo(2), r.Stdout + r.Stderr);
            Assert.That(r.Stderr, Does.Contain("--quick is not a verdict"));
        });
    }
}
