using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Lists;

/// <summary>
/// Network configuration lists (fixtures/netconf/*.conflist) run as libcni runs them, with Debian's reference plugins
/// from /usr/lib/cni after (or before) this project's plugin. The lists name bash-cni: other profiles skip them.
/// </summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class ListTests
{
    private static void RequireListPlugins(TestNode node, params string[] types)
    {
        if (!node.Profile.IsBashCni) Assert.Ignore($"the .conflist fixtures chain bash-cni; profile '{node.Profile.Name}' tests {node.Profile.Type}");
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
    public Task GcAndStatusOfAList() => TestNode.RunAsync(async node =>
    {
        RequireListPlugins(node);
        (await ListChecks.GcAndStatusAsync(node)).AssertPassed();
    });
}
