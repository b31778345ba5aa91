using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Lists;

/// <summary>
/// Network configuration lists run as libcni runs them, with Debian's reference plugins from /usr/lib/cni after (or
/// before) the profile's plugin: fixtures/netconf/*.conflist for bash-cni, the profile's own config in their place for
/// other profiles (ListChecks.ProfileList). GC and STATUS of a list need a profile that claims them.
/// </summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class ListTests
{
    private static void RequireListPlugins(TestNode node, params string[] types)
    {
        foreach (var type in types)
            if (!File.Exists(Path.Combine(ListChecks.ReferenceDir, type)))
                Assert.Ignore($"{ListChecks.ReferenceDir}/{type} is missing (Debian package containernetworking-plugins)");
    }

    [Test]
    public Task BashCniThenPortmapAndTuning() => TestNode.RunAsync(async node =>
    {
        RequireListPlugins(node, "portmap", "tuning");
        (await ListChecks.PortmapTuningAsync(node)).AssertPassed();
    });

    [Test]
    public Task BashCniChainedAfterLoopback() => TestNode.RunAsync(async node =>
    {
        RequireListPlugins(node, "loopback");
        (await ListChecks.ChainedAfterLoopbackAsync(node)).AssertPassed();
    });

    [Test]
    public Task ChainedModificationsPassCheck() => TestNode.RunAsync(async node =>
    {
        RequireListPlugins(node, "tuning");
        node.Profile.Require(PluginProfile.Check, "CHECK of a list");
        (await ListChecks.ChainedModificationsAsync(node)).AssertPassed();
    });

    [Test]
    public Task GcAndStatusOfAList() => TestNode.RunAsync(async node =>
    {
        RequireListPlugins(node);
        node.Profile.Require(PluginProfile.Gc, "GC of a list");
        node.Profile.Require(PluginProfile.Status, "STATUS of a list");
        (await ListChecks.GcAndStatusAsync(node)).AssertPassed();
    });
}
