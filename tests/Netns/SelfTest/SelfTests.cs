using BashCni.Harness;
using BashCni.Harness.Reporting;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.SelfTest;

/// <summary>
/// Proof that the checks can fail, each for the reason it exists: every deliberately broken variant of the plugin
/// (fixtures/plugins/broken/variants, one bug class each) names the check that must catch it and the problem that
/// check must report. The self-test runs exactly that check on the variant and requires that it failed with that
/// problem, and not merely because the ADD it starts from broke (unless the variant names that failure). The same
/// checks pass on the real plugin in the conformance fixtures, so the red verdict is the bug, not the check.
/// </summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class SelfTests
{
    private BrokenVariants? _variants;
    private PluginProfile? _base;
    private IReadOnlyDictionary<string, BrokenVariant> _catalog = new Dictionary<string, BrokenVariant>();

    /// <summary>Check families (see <see cref="Catcher.Family"/>) no variant turns red, each with the reason.</summary>
    public static readonly IReadOnlyDictionary<string, string> FamiliesWithoutVariant = new Dictionary<string, string>(StringComparer.Ordinal);

    public static IEnumerable<TestCaseData> Variants =>
        BrokenVariants.FileNames.Select(name => new TestCaseData(name).SetName($"BrokenVariantIsCaught({name})"));

    [OneTimeSetUp]
    public async Task GenerateAsync()
    {
        var current = NetnsLayer.RequireProfile();
        // The variants are patched copies of this project's plugin: under another profile, use src/Plugin.
        _base = current.IsBashCni ? current : PluginProfile.Load("bash-cni");
        if (!File.Exists(_base.PluginPath)) Assert.Ignore($"bash-cni not found at {_base.PluginPath}: the self-test patches it");
        _catalog = (await BrokenVariants.CatalogAsync()).ToDictionary(v => v.Name, StringComparer.Ordinal);
        // make-broken.sh patches the plugin's source and builds each variant from it: the source of the layout under test.
        var source = Directory.Exists(Path.Combine(_base.PluginDir, "source")) ? _base.PluginDir : RepoPaths.PluginSource;
        _variants = await BrokenVariants.GenerateAsync(source);
    }

    [OneTimeTearDown]
    public async Task RemoveAsync()
    {
        if (_variants is not null) await _variants.DisposeAsync();
    }

    /// <summary>
    /// The generator, its variant files, the catchers and fixtures/plugins/broken/README.md agree: every variant names
    /// a check some catcher runs, its problem is a valid regex, and the README's table is the generator's.
    /// </summary>
    [Test]
    public async Task EveryVariantOfTheGeneratorHasACatcher()
    {
        var names = await BrokenVariants.NamesAsync();
        var table = VariantTable(_catalog.Values);
        await TestContext.Out.WriteLineAsync(table);
        Evidence.Attach("variant → check", table);
        var readme = await File.ReadAllTextAsync(RepoPaths.Fixture("plugins", "broken", "README.md"));
        Assert.Multiple(() =>
        {
            Assert.That(names, Has.Count.GreaterThanOrEqualTo(8));
            Assert.That(names, Is.EqualTo(BrokenVariants.FileNames), "make-broken.sh --list and the files in variants/ differ");
            Assert.That(_catalog.Keys, Is.EquivalentTo(names), "make-broken.sh --table and --list differ");
            foreach (var v in _catalog.Values)
                Assert.That(Catchers.All.ContainsKey(v.Check), Is.True,
                    $"variant '{v.Name}' names the check '{v.Check}', which no catcher runs (known: {string.Join("; ", Catchers.All.Keys.Where(k => !k.StartsWith("bad input ", StringComparison.Ordinal)))})");
            Assert.That(readme.ReplaceLineEndings("\n"), Does.Contain(table),
                "fixtures/plugins/broken/README.md does not hold the generator's variant → check table (rows sorted by variant); paste the table above");
        });
    }

    /// <summary>Every check family some catcher runs is turned red by at least one variant, or is listed with the reason it is not.</summary>
    [Test]
    public void EveryCheckFamilyHasAVariant()
    {
        var named = _catalog.Values.Select(v => v.Check).ToHashSet(StringComparer.Ordinal);
        var families = Catchers.All.Values.GroupBy(c => c.Family).ToList();
        var lines = families.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f =>
        {
            var by = _catalog.Values.Where(v => f.Any(c => c.Check == v.Check)).Select(v => v.Name).ToList();
            return $"{f.Key}: {(by.Count > 0 ? string.Join(", ", by) : FamiliesWithoutVariant.TryGetValue(f.Key, out var why) ? "no variant — " + why : "NO VARIANT")}";
        }).ToList();
        Evidence.Attach("check family → variants", string.Join('\n', lines));
        TestContext.Out.WriteLine(string.Join('\n', lines));
        var uncovered = families.Where(f => !f.Any(c => named.Contains(c.Check)) && !FamiliesWithoutVariant.ContainsKey(f.Key)).Select(f => f.Key).ToList();
        Assert.That(uncovered, Is.Empty, "check families no broken variant turns red (add a variant in fixtures/plugins/broken/variants)");
    }

    /// <summary>
    /// A set-up failure is known by how the check recorded it (<see cref="Findings.SetUp"/>), whatever its wording: one
    /// other than the problem the variant names fails the self-test, and a finding is never taken for one.
    /// </summary>
    [TestCase("ADD failed: exit 1, stdout {}, stderr x", true)]
    [TestCase("first ADD failed: {}", true)]
    [TestCase("ADD 3 of 5 failed: {}", true)]
    [TestCase("ADD abc123/net1 failed: {}", true)]
    [TestCase("ADD of the resident pod failed: {}", true)]
    [TestCase("ADD through $CNI_PATH/field-bridge failed: {}", true)]
    [TestCase("ADD with logLevel debug failed: {}", true)]
    [TestCase("ADD after the lock was released failed: {}", false)]
    [TestCase("the second ADD failed with code 100, the contract says 111: x", false)]
    [TestCase("ADD succeeded while another process held the store lock", false)]
    public void SetUpFailuresAreTellable(string problem, bool isSetUp)
    {
        var variant = new BrokenVariant("any", "a check", "(?i)add", "a bug with a broad problem pattern");
        var findings = new Findings();
        if (isSetUp) findings.SetUp(problem);
        else findings.Add(problem);
        var verdict = Verdict.Of("a check", findings);
        Assert.Multiple(() =>
        {
            Assert.That(verdict.Passed, Is.False);
            Assert.That(variant.SetUpFailuresIn(verdict), Is.Empty, "the problem the variant names is not a set-up failure besides it");
            var strict = new BrokenVariant("any", "a check", "^never$", "a bug named otherwise");
            Assert.That(strict.SetUpFailuresIn(verdict), isSetUp ? Is.EqualTo(new[] { problem }) : Is.Empty, problem);
            Assert.That(verdict.SetUpFailures.Count, Is.EqualTo(isSetUp ? 1 : 0));
        });
    }

    /// <summary>The set-up failures of a verdict survive <see cref="Verdict.SetUpFailed"/> and show in its text.</summary>
    [Test]
    public void SetUpFailedIsASetUpFailure()
    {
        var verdict = Verdict.SetUpFailed("a check", "ADD through $CNI_PATH/x failed: {}");
        Assert.Multiple(() =>
        {
            Assert.That(verdict.SetUpFailures, Is.EqualTo(new[] { "ADD through $CNI_PATH/x failed: {}" }));
            Assert.That(verdict.ToString(), Does.Contain("(set-up) ADD through"));
        });
    }

    [TestCaseSource(nameof(Variants))]
    public async Task BrokenVariantIsCaught(string variant)
    {
        Assert.That(_catalog.TryGetValue(variant, out var v), Is.True, $"make-broken.sh --table does not list '{variant}'");
        Assert.That(Catchers.All.TryGetValue(v!.Check, out var catcher), Is.True, $"no catcher runs the check '{v.Check}' that variant '{variant}' names");
        Evidence.Parameter("check", v.Check);
        Evidence.Parameter("problem", v.Problem);
        var profile = _base!.WithPluginDir(_variants!.DirOf(variant));
        Verdict? verdict = null;
        // The variant is broken on purpose: its failing plugin calls are the subject, judged by the assertions below.
        using (RedSteps.Expect($"the broken variant {variant} under the check {v.Check}"))
            await TestNode.RunAsync(async node => verdict = await catcher!.Run(node), profile);
        var report = $"variant {variant}: {v.Bug}\nmust trip: {v.Check}\nwith a problem matching: {v.Problem}\n\n{verdict}";
        await TestContext.Out.WriteLineAsync(report);
        Evidence.Attach($"verdict on {variant}", report);
        ArgumentNullException.ThrowIfNull(verdict);
        Assert.Multiple(() =>
        {
            Assert.That(verdict.Check, Is.EqualTo(v.Check), $"the catcher for '{v.Check}' ran another check");
            Assert.That(verdict.Passed, Is.False, $"the broken variant '{variant}' passed the check meant to catch it:\n{report}");
            Assert.That(v.NamedProblemIn(verdict), Is.True,
                $"'{v.Check}' failed on '{variant}', but not with a problem matching /{v.Problem}/:\n{report}");
            var setUp = v.SetUpFailuresIn(verdict);
            Assert.That(setUp, Is.Empty, $"'{v.Check}' failed on '{variant}' because the ADD it starts from failed, not for the bug:\n{report}");
        });
    }

    /// <summary>The variant → check table, rows sorted by variant name.</summary>
    public static string VariantTable(IEnumerable<BrokenVariant> variants) =>
        BrokenVariant.TableHeader + "\n" + string.Join("\n", variants.OrderBy(v => v.Name, StringComparer.Ordinal).Select(v => v.TableRow)) + "\n";
}
