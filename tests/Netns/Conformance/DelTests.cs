using BashCni.Harness.Layers;
using BashCni.Harness.Cni;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Conformance;

/// <summary>DEL is idempotent and best effort: every case a runtime produces succeeds and releases the address.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class DelTests
{
    [Category(QuickRun.Category)]
    [Test]
    public Task DelSucceedsAndReleases(
        [Values] DelCase delCase,
        [Values(CniVersions.V031, CniVersions.V100)] string cniVersion) => TestNode.RunAsync(async node =>
    {
        node.Profile.RequireVersion(cniVersion);
        (await DelChecks.DelSucceedsAndReleasesAsync(node, cniVersion, delCase)).AssertPassed();
    });

    [Test]
    public Task ReleaseMatchesTheExactContainerIdAndIfName() => TestNode.RunAsync(async node =>
        (await DelChecks.ReleaseIsExactAsync(node)).AssertPassed());
}
