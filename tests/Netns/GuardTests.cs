using BashCni.Harness.Layers;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns;

/// <summary>The sandbox must never see the machine's uplink; a test that could would be able to cut the machine off.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.Self)]
[Category(QuickRun.Category)]
public sealed class GuardTests
{
    [Test]
    public async Task SandboxCannotSeeTheUplinkOrADefaultRoute()
    {
        var sandbox = await NetnsLayer.SandboxAsync();
        var eth0 = await sandbox.Runner.RunAsync("ip", "link", "show", "eth0");
        var routes = IpJson.ParseRoutes((await sandbox.Runner.RunCheckedAsync("ip", ["-j", "route", "show", "table", "all"])).Stdout);
        var links = IpJson.ParseLinks((await sandbox.Runner.RunCheckedAsync("ip", ["-j", "link"])).Stdout);
        Assert.Multiple(() =>
        {
            Assert.That(eth0.ExitCode, Is.Not.Zero, "the sandbox sees an eth0:\n" + eth0.Stdout);
            Assert.That(routes.Where(r => r.IsDefault), Is.Empty, "the sandbox has a default route");
            Assert.That(links.Select(l => l.Name), Does.Not.Contain("eth0"));
        });
    }

    [Test]
    public async Task SandboxIsAnotherNetworkNamespaceThanTheTestProcess()
    {
        var sandbox = await NetnsLayer.SandboxAsync();
        var inside = (await sandbox.Runner.RunCheckedAsync("readlink", ["/proc/self/ns/net"])).Stdout.Trim();
        var outside = (await LocalRunner.Instance.RunCheckedAsync("readlink", ["/proc/self/ns/net"])).Stdout.Trim();
        var insideMnt = (await sandbox.Runner.RunCheckedAsync("readlink", ["/proc/self/ns/mnt"])).Stdout.Trim();
        var outsideMnt = (await LocalRunner.Instance.RunCheckedAsync("readlink", ["/proc/self/ns/mnt"])).Stdout.Trim();
        Assert.Multiple(() =>
        {
            Assert.That(inside, Does.StartWith("net:["));
            Assert.That(inside, Is.Not.EqualTo(outside), "the sandbox runner runs in the root network namespace");
            Assert.That(insideMnt, Is.Not.EqualTo(outsideMnt), "the sandbox runner runs in the root mount namespace");
        });
    }

    [Test]
    public async Task SandboxStateDirectoriesArePrivate()
    {
        var sandbox = await NetnsLayer.SandboxAsync();
        var mounts = (await sandbox.Runner.RunCheckedAsync("cat", ["/proc/self/mountinfo"])).Stdout;
        var probe = "/var/lib/cni/.guard-" + Guid.NewGuid().ToString("N");
        await sandbox.Runner.RunCheckedAsync("touch", [probe]);
        try
        {
            Assert.Multiple(() =>
            {
                foreach (var dir in SandboxHost.PrivateDirectories)
                    Assert.That(mounts, Does.Contain($" {dir} ").And.Contain("tmpfs"), $"{dir} is not a private tmpfs in the sandbox");
                Assert.That(File.Exists(probe), Is.False, "a file written in the sandbox's /var/lib/cni is visible to the machine");
            });
        }
        finally
        {
            await sandbox.Runner.RunAsync("rm", "-f", probe);
        }
    }

    [Test]
    public async Task NodeUplinkIsNotTheMachinesEth0()
    {
        var sandbox = await NetnsLayer.SandboxAsync();
        await using var node = await NodeNamespace.CreateAsync(sandbox.Runner, "/nonexistent");
        var nodeEth0 = await node.LinkAsync("eth0");
        var machine = IpJson.ParseLinks((await LocalRunner.Instance.RunCheckedAsync("ip", ["-j", "link", "show"])).Stdout)
            .FirstOrDefault(l => l.Name == "eth0");
        var sandboxEth0 = await sandbox.Runner.RunAsync("ip", "link", "show", "eth0");
        Assert.Multiple(() =>
        {
            Assert.That(nodeEth0, Is.Not.Null, "the node namespace has no eth0 uplink");
            Assert.That(nodeEth0!.Kind, Is.EqualTo("veth"));
            Assert.That(nodeEth0.Ipv4.Select(a => a.Cidr), Does.Contain(node.UplinkAddress));
            if (machine is not null) Assert.That(nodeEth0.Mac, Is.Not.EqualTo(machine.Mac), "the node's eth0 is the machine's uplink");
            Assert.That(sandboxEth0.ExitCode, Is.Not.Zero, "creating a node made eth0 visible in the sandbox");
        });
    }

    [Test]
    public async Task RootNamespaceIsUnchangedSoFar()
    {
        await NetnsLayer.SandboxAsync();
        var before = NetnsLayer.HostBefore ?? throw new InvalidOperationException("layer set-up did not take a host snapshot");
        var now = await HostSnapshot.TakeAsync();
        // The sandbox anchor is a child of this process and tests write temporary files while the layer runs:
        // compare the network state and the watched host directories only. Under the host guard the directories are
        // read-only (the guard must hold) and the machine's own changes to them are not the layer's.
        var guarded = HostGuard.IsGuarded;
        if (guarded) Assert.That(await HostGuard.VerifyAsync(), Is.Empty, "the host guard does not hold");
        var diffs = (now with { ChildProcesses = [], TempEntries = [], Entries = guarded ? [] : now.Entries })
            .DifferencesFrom(before with { TempEntries = [], Entries = guarded ? [] : before.Entries });
        Assert.That(diffs, Is.Empty, "the root namespace changed while the layer runs");
    }
}
