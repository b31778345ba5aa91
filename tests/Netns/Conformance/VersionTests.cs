using BashCni.Harness.Layers;
using BashCni.Harness.Cni;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Conformance;

/// <summary>VERSION, STATUS and GC.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class VersionStatusGcTests
{
    public static IEnumerable<string> Versions => CniVersions.All;

    [Category(QuickRun.Category)]
    [TestCaseSource(nameof(Versions))]
    public Task VersionAnswersInTheConfigsVersionAndListsWhatItSupports(string cniVersion) => TestNode.RunAsync(async node =>
    {
        node.Profile.RequireVersion(cniVersion);
        var exchange = await node.Plugin.VersionAsync(TestNode.NoContainer(node.Config(cniVersion)));
        Assert.That(exchange.ExitCode, Is.Zero, exchange.ToString());
        var version = exchange.Version;
        Assert.Multiple(() =>
        {
            Assert.That(version.SupportedVersions, Is.SupersetOf(node.Profile.CniVersions));
            Assert.That(version.SupportedVersions, Does.Contain(version.CniVersion), "VERSION answers in a version it does not list");
            // The spec leaves the answer's cniVersion open (the reference answers in its newest); this project's
            // contract (CONTRACTS.md) is the input's.
            if (node.Profile.Has(PluginProfile.ErrorCodes))
            {
                Assert.That(CniResultSchema.ValidateVersion(exchange.Stdout, cniVersion), Is.Empty, exchange.Stdout);
                Assert.That(version.CniVersion, Is.EqualTo(cniVersion));
            }
        });
    });

    [Category(QuickRun.Category)]
    [Test]
    public Task StatusIsReadyAndReportsExhaustionAsCode50() => TestNode.RunAsync(async node =>
    {
        node.Profile.Require(PluginProfile.Status, "STATUS");
        node.Profile.RequireVersion(CniVersions.V110);
        (await IpamChecks.StatusFollowsExhaustionAsync(node)).AssertPassed();
    });

    [Category(QuickRun.Category)]
    [Test]
    public Task GcKeepsValidAttachmentsAndReleasesTheRest() => TestNode.RunAsync(async node =>
    {
        node.Profile.Require(PluginProfile.Gc, "GC");
        node.Profile.RequireVersion(CniVersions.V110);
        (await IpamChecks.GcReleasesAllButValidAsync(node, afterReboot: false)).AssertPassed();
    });
}
