using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>DEL releases exactly the reservation of that container ID + ifname — never by substring, regex or prefix.</summary>
[Feature("Release")]
[Severity(SeverityLevel.Critical)]
[Category(BashCni.Harness.Layers.QuickRun.Category)]
public sealed class ReleaseTests : IpamTestBase
{
    [TestCase("ab", new[] { "a", "abc", "xab", "ab-2", "aab" })]
    [TestCase("a.c", new[] { "abc", "a-c", "aXc", "a.cd", "xa.c" })]
    [TestCase("pod-1", new[] { "pod-10", "pod-11", "pod-1a", "xpod-1", "pod" })]
    [TestCase("a", new[] { "aa", "ba", "a.a", "a_", "A" })]
    [TestCase("10.244.1.3", new[] { "10.244.1.30", "x10.244.1.3", "10.244.1.3.1", "10-244-1-3", "10a244b1c3" })]
    public async Task ReleaseFreesOnlyThatContainer(string victim, string[] neighbours)
    {
        var owners = new Dictionary<string, string> { [await AllocateAsync(victim)] = victim };
        foreach (var n in neighbours) owners[await AllocateAsync(n)] = n;
        var victimIp = owners.Single(p => p.Value == victim).Key;

        await ReleaseAsync(victim);

        var expected = owners.Where(p => p.Value != victim).ToDictionary(p => p.Key, p => Store.Entry(p.Value, "eth0"));
        Assert.Multiple(() =>
        {
            Assert.That(Reservations(), Is.EquivalentTo(expected), "every other container keeps its address and file");
            Assert.That(Reservations().ContainsKey(victimIp), Is.False, $"{victim}'s {victimIp} is released");
        });
    }

    [TestCase("a", "10.244.1.2")]
    [TestCase("t0", "10.244.1.20")]
    [TestCase("h0", "10.244.1.200")]
    public async Task ReleaseKeepsAddressesThatShareThePrefixOfTheFreedOne(string victim, string victimIp)
    {
        var all = new Dictionary<string, string> { [await AllocateAsync("a")] = "a" };
        var twenties = Lab().RangeStart("10.244.1.20").RangeEnd("10.244.1.29");
        for (var i = 0; i < 10; i++) all[await AllocateAsync($"t{i}", twenties)] = $"t{i}";
        var hundreds = Lab().RangeStart("10.244.1.200").RangeEnd("10.244.1.254");
        for (var i = 0; i < 6; i++) all[await AllocateAsync($"h{i}", hundreds)] = $"h{i}";
        Assert.That(all[victimIp], Is.EqualTo(victim), "allocation order as set up (lowest free address first)");

        await ReleaseAsync(victim);

        var expected = all.Where(p => p.Key != victimIp).Select(p => p.Key).ToList();
        Assert.That(Reservations().Keys, Is.EquivalentTo(expected), $"only {victimIp} is released; .2x and .20x stay reserved");
    }

    [Test]
    public async Task ReleaseMatchesTheInterfaceName()
    {
        var eth0 = await AllocateAsync("ctr-1", ifname: "eth0");
        var eth1 = await AllocateAsync("ctr-1", ifname: "eth1");
        var eth10 = await AllocateAsync("ctr-1", ifname: "eth10");

        await ReleaseAsync("ctr-1", ifname: "eth1");
        var afterFirst = Reservations().Keys.ToList();
        await ReleaseAsync("ctr-1", ifname: "eth0");

        Assert.Multiple(() =>
        {
            Assert.That(afterFirst, Is.EquivalentTo(new[] { eth0, eth10 }));
            Assert.That(Reservations().Keys, Is.EquivalentTo(new[] { eth10 }));
        });
    }

    [Test]
    public async Task DelWithAnotherInterfaceNameReleasesNothing()
    {
        await AllocateAsync("ctr-1", ifname: "eth0");
        var before = Reservations();

        await ReleaseAsync("ctr-1", ifname: "eth1");

        Assert.That(Reservations(), Is.EqualTo(before));
    }

    [TestCase(false, Description = "nothing was ever allocated (no store yet)")]
    [TestCase(true, Description = "other containers hold addresses")]
    public async Task DelOfUnknownContainerSucceeds(bool populated)
    {
        if (populated)
        {
            await AllocateAsync("ctr-1");
            await AllocateAsync("ctr-2");
        }
        var before = Reservations();

        var del = await DelAsync("never-added");

        Assert.Multiple(() =>
        {
            Assert.That(del.ExitCode, Is.Zero, del.ToString());
            Assert.That(del.Stdout.Trim(), Is.Empty, "DEL prints nothing on success");
            Assert.That(Reservations(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task DelTwiceSucceedsBothTimes()
    {
        await AllocateAsync("ctr-1");

        var first = await DelAsync("ctr-1");
        var second = await DelAsync("ctr-1");

        Assert.Multiple(() =>
        {
            Assert.That(first.ExitCode, Is.Zero, first.ToString());
            Assert.That(second.ExitCode, Is.Zero, second.ToString());
            Assert.That(Reservations(), Is.Empty);
        });
    }

    [Test]
    public async Task DelWithEmptyNetnsStillReleases()
    {
        await AllocateAsync("ctr-1");

        var del = await Ipam.DelAsync(new CniCall("ctr-1", null, "eth0", Lab()));

        Assert.Multiple(() =>
        {
            Assert.That(del.ExitCode, Is.Zero, del.ToString());
            Assert.That(Reservations(), Is.Empty);
        });
    }

    [Test]
    public async Task ReleasedAddressCanBeAllocatedAgainForTheSameContainer()
    {
        var first = await AllocateAsync("ctr-1", Lab("10.244.1.4/30"));
        await ReleaseAsync("ctr-1", Lab("10.244.1.4/30"));

        var again = await AllocateAsync("ctr-1", Lab("10.244.1.4/30"));

        Assert.That(again, Is.EqualTo(first));
    }
}
