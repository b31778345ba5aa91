using BashCni.Harness.Cni;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.SelfTest;

/// <summary>
/// Proof that the checks can fail: each deliberately broken variant of the plugin (one bug class each) is run through
/// the check(s) meant to catch that class, and at least one must go red. The same checks pass on the real plugin in the
/// conformance fixtures, so a red verdict here is the bug, not the check.
/// </summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class SelfTests
{
    private BrokenVariants? _variants;
    private PluginProfile? _base;

    /// <summary>Variant → the checks that must catch it.</summary>
    private static readonly IReadOnlyDictionary<string, Func<TestNode, Task<Verdict>>[]> Catchers =
        new Dictionary<string, Func<TestNode, Task<Verdict>>[]>(StringComparer.Ordinal)
        {
            // Exclusive creates keep parallel ADDs apart even without the lock most of the time, so the direct
            // catcher is the held-lock check: an unlocked store does not wait for the lock holder.
            ["unlocked-store"] = [n => FaultChecks.HeldLockEndsInCode11Async(n), n => IpamChecks.ParallelAddDelAsync(n, 16)],
            ["substring-release"] = [DelChecks.ReleaseIsExactAsync],
            ["broadcast-handed-out"] = [n => IpamChecks.ReservedAddressesAreNeverHandedOutAsync(n)],
            ["pod-iface-in-host-ns"] = [async n => (await AddChecks.AddMatchesKernelAsync(n, CniVersions.V031)).Verdict],
            ["del-needs-netns"] =
            [
                n => DelChecks.DelSucceedsAndReleasesAsync(n, CniVersions.V031, DelCase.EmptyNetns),
                n => DelChecks.DelSucceedsAndReleasesAsync(n, CniVersions.V031, DelCase.NetnsDeleted),
            ],
            ["no-rollback"] = [FaultChecks.FailedAddRollsBackAsync],
            ["wrong-result-version"] = [async n => (await AddChecks.AddMatchesKernelAsync(n, CniVersions.V031)).Verdict],
            ["errors-on-stderr-only"] = [ErrorChecks.ErrorsAreCniJsonOnStdoutAsync],
            ["check-not-implemented"] =
            [
                n => CheckChecks.CheckSeesDriftAsync(n, Drift.AddressRemoved),
                n => CheckChecks.CheckSeesDriftAsync(n, Drift.InterfaceRemoved),
            ],
            ["exhaustion-without-error"] = [IpamChecks.ExhaustionIsACniErrorAsync],
            ["duplicate-addresses"] = [n => IpamChecks.ParallelAddDelAsync(n, 8)],
        };

    public static IEnumerable<string> Variants => Catchers.Keys;

    [OneTimeSetUp]
    public async Task GenerateAsync()
    {
        var current = NetnsLayer.RequireProfile();
        // The variants are patched copies of this project's plugin: under another profile, use src/Plugin.
        _base = current.IsBashCni ? current : PluginProfile.Load("bash-cni");
        if (!File.Exists(_base.PluginPath)) Assert.Ignore($"bash-cni not found at {_base.PluginPath}: the self-test patches it");
        _variants = await BrokenVariants.GenerateAsync(_base.PluginDir);
    }

    [OneTimeTearDown]
    public async Task RemoveAsync()
    {
        if (_variants is not null) await _variants.DisposeAsync();
    }

    [Test]
    public async Task EveryVariantOfTheGeneratorHasACatcher()
    {
        var names = await BrokenVariants.NamesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(names, Has.Count.GreaterThanOrEqualTo(8));
            Assert.That(names, Is.EquivalentTo(Catchers.Keys), "make-broken.sh --list and the self-test's catchers differ");
        });
    }

    [TestCaseSource(nameof(Variants))]
    public async Task BrokenVariantIsCaught(string variant)
    {
        var profile = _base!.WithPluginDir(_variants!.DirOf(variant));
        var verdicts = new List<Verdict>();
        foreach (var check in Catchers[variant])
            await TestNode.RunAsync(async node => verdicts.Add(await check(node)), profile);
        var report = string.Join("\n", verdicts.Select(v => v.ToString()));
        await TestContext.Out.WriteLineAsync(report);
        Harness.Reporting.Evidence.Attach($"verdicts on {variant}", report);
        Assert.That(verdicts.Any(v => !v.Passed), Is.True,
            $"the broken variant '{variant}' passed every check meant to catch it:\n{report}");
    }
}
