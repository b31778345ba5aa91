using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>host-local's round robin: the search starts after last_reserved_ip.0, wraps around, tolerates stale values.</summary>
[Feature("Round robin")]
public sealed class RoundRobinTests : IpamTestBase
{
    private string LastReservedPath => Path.Combine(StoreDir, Store.LastReservedFile);

    [Test]
    public async Task ReleasedAddressIsNotHandedOutAgainRightAway()
    {
        await AllocateAsync("a");
        await AllocateAsync("b");
        await AllocateAsync("c");
        await ReleaseAsync("b");

        var next = await AllocateAsync("d");

        Assert.That(next, Is.EqualTo("10.244.1.5"), "the search continues after the last reserved address (.4), not at the freed .3");
    }

    [Test]
    public async Task LastReservedIpRecordsTheLatestAllocation()
    {
        await AllocateAsync("a");
        await AllocateAsync("b");
        var third = await AllocateAsync("c");
        await ReleaseAsync("c");

        Assert.Multiple(() =>
        {
            Assert.That(third, Is.EqualTo("10.244.1.4"));
            Assert.That(File.ReadAllText(LastReservedPath).Trim(), Is.EqualTo("10.244.1.4"), "DEL leaves last_reserved_ip.0 alone");
        });
    }

    [Test]
    public async Task SearchWrapsAroundToTheStartOfTheRange()
    {
        var config = Lab("10.244.1.0/29"); // pool .2–.6
        for (var i = 2; i <= 6; i++) await AllocateAsync($"p{i}", config);
        await ReleaseAsync("p4", config);
        await ReleaseAsync("p2", config);

        var afterWrap = await AllocateAsync("n1", config);
        var next = await AllocateAsync("n2", config);

        Assert.Multiple(() =>
        {
            Assert.That(afterWrap, Is.EqualTo("10.244.1.2"), "after .6 the search wraps to the first address of the range");
            Assert.That(next, Is.EqualTo("10.244.1.4"));
        });
    }

    [Test]
    public async Task ExhaustedRangeFreedInTheMiddleHandsOutThatAddress()
    {
        var config = Lab("10.244.1.0/29");
        for (var i = 2; i <= 6; i++) await AllocateAsync($"p{i}", config);
        await ReleaseAsync("p3", config);

        Assert.That(await AllocateAsync("n1", config), Is.EqualTo("10.244.1.3"));
    }

    [TestCase("10.99.0.7", "10.244.1.2", Description = "outside the subnet")]
    [TestCase("garbage", "10.244.1.2", Description = "not an address")]
    [TestCase("", "10.244.1.2", Description = "empty file")]
    [TestCase("10.244.1.255", "10.244.1.2", Description = "the broadcast address")]
    [TestCase("10.244.1.0", "10.244.1.2", Description = "the network address")]
    [TestCase("10.244.1.10", "10.244.1.11", Description = "inside the range: the search continues after it")]
    [TestCase("10.244.1.254", "10.244.1.2", Description = "the last address: the search wraps")]
    public async Task StaleLastReservedIpIsTolerated(string stale, string expected)
    {
        Directory.CreateDirectory(StoreDir);
        await File.WriteAllTextAsync(LastReservedPath, stale);

        var got = await AllocateAsync("ctr-1");

        Assert.Multiple(() =>
        {
            Assert.That(got, Is.EqualTo(expected));
            Assert.That(File.ReadAllText(LastReservedPath).Trim(), Is.EqualTo(expected), "last_reserved_ip.0 is rewritten");
        });
    }
}
