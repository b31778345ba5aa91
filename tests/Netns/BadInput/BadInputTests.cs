using System.Threading.Channels;
using BashCni.Harness.Layers;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.BadInput;

/// <summary>
/// fixtures/bad-input: every case fails with a CNI error JSON on stdout carrying the expected code, and changes
/// nothing (links, addresses, namespaces, files of the node — compared with a snapshot). The cases run on a few
/// nodes that each already hold one added pod, so a case that touched the store would show.
/// </summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class BadInputTests
{
    private const int Nodes = 3;
    private readonly Channel<(TestNode Node, PodNamespace Target)> _pool = Channel.CreateUnbounded<(TestNode, PodNamespace)>();
    private readonly List<TestNode> _nodes = [];

    public static IEnumerable<TestCaseData> Cases =>
        BadInputCase.LoadAll().Select(c => new TestCaseData(c.Name).SetName($"BadInput({c.Name})").SetDescription(c.Description));

    [OneTimeSetUp]
    public async Task StartNodesAsync()
    {
        var profile = NetnsLayer.RequireProfile();
        for (var i = 0; i < Nodes; i++)
        {
            var node = await TestNode.CreateAsync(profile);
            _nodes.Add(node);
            var (_, add) = await node.AddPodAsync(node.Config(), "resident");
            if (!add.Succeeded)
            {
                await node.AttachEvidenceAsync();
                Assert.Fail("could not add the resident pod the bad-input cases run beside:\n" + add);
            }
            var target = await node.CreatePodAsync("target");
            await _pool.Writer.WriteAsync((node, target));
        }
    }

    /// <summary>The final check (NetnsFinalChecks) this fixture's teardown records its findings for.</summary>
    public const string NodesCheck = "bad-input nodes";

    /// <summary>
    /// Deletes the resident pods and checks that the nodes are left clean; the findings are recorded for the layer's
    /// final check <see cref="NodesCheck"/>, so they count as one failed test (plain dotnet test: this teardown fails).
    /// </summary>
    [OneTimeTearDown]
    public async Task StopNodesAsync()
    {
        var leftovers = new List<string>();
        foreach (var node in _nodes)
        {
            try
            {
                foreach (var pod in node.Node.Pods.Where(p => p.Name.Length > 0 && !p.IsDeleted))
                {
                    var del = await node.Plugin.DelAsync(TestNode.Call(pod, node.Config()));
                    if (!del.Succeeded) leftovers.Add($"{node.Node.Name}: DEL of {pod.Name} failed: {del}");
                }
                var left = await node.ReservationsAsync(node.Config());
                leftovers.AddRange(left.Keys.Select(k => $"{node.Node.Name}: {k} still reserved"));
            }
            finally
            {
                leftovers.AddRange(await node.DisposeAndCheckAsync());
            }
        }
        if (!await LayerState.RecordCheckAsync(NodesCheck, leftovers))
            Assert.That(leftovers, Is.Empty, "the bad-input nodes left things behind");
    }

    [TestCaseSource(nameof(Cases))]
    public async Task BadInputFailsTheCniWayAndChangesNothing(string name)
    {
        var c = BadInputCase.Load(Path.Combine(BadInputCase.Directory, name + ".json"));
        var profile = NetnsLayer.RequireProfile();
        if (c.Command is "CHECK" && !profile.Has(PluginProfile.Check))
            Assert.Ignore($"profile '{profile.Name}' does not claim CHECK");
        if (c.SpecCode is null && !profile.Has(PluginProfile.ErrorCodes))
            Assert.Ignore($"case '{c.Name}' checks this project's input contract (CONTRACTS.md: which configs are invalid, which code), " +
                          $"not the CNI spec; profile '{profile.Name}' does not claim '{PluginProfile.ErrorCodes}'");
        profile.SkipKnownDeviation($"BadInput({c.Name})");
        var (node, target) = await _pool.Reader.ReadAsync();
        try
        {
            var (verdict, exchange) = await BadInputRunner.RunAsync(node, target, c);
            if (!verdict.Passed)
            {
                await TestContext.Out.WriteLineAsync(exchange.ToString());
                await node.AttachEvidenceAsync();
                // The next case must not inherit what this one changed: clean up as a runtime would, fresh target.
                var cleanUp = new List<string>();
                await node.CleanUpAsync(TestNode.Call(target, node.Config()), cleanUp);
                foreach (var problem in cleanUp) await TestContext.Out.WriteLineAsync(problem);
                await target.DeleteAsync();
                target = await node.CreatePodAsync("target");
            }
            verdict.AssertPassed();
        }
        finally
        {
            await _pool.Writer.WriteAsync((node, target));
        }
    }

    [Test]
    public void CorpusHasAtLeastFiftyCasesCoveringEveryClass()
    {
        var cases = BadInputCase.LoadAll();
        Assert.That(cases, Has.Count.GreaterThanOrEqualTo(50));
        foreach (var prefix in new[] { "malformed-", "env-", "containerid-", "ifname-", "version-", "subnet-", "range-", "name-", "netns-", "check-" })
            Assert.That(cases.Any(c => c.Name.StartsWith(prefix, StringComparison.Ordinal)), Is.True, $"no case of class {prefix}*");
        Assert.That(cases.Select(c => c.Command).Distinct(), Is.SupersetOf(new[] { "ADD", "DEL", "CHECK" }));
    }
}
