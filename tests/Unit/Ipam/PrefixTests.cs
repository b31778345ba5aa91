using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>Prefix lengths other than /24, subnets not starting at .0, and exhaustion.</summary>
[Feature("Prefixes and exhaustion")]
[Severity(SeverityLevel.Critical)]
public sealed class PrefixTests : IpamTestBase
{
    [TestCase("10.0.0.0/8", "10.0.0.2/8", "10.0.0.1")]
    [TestCase("172.16.0.0/16", "172.16.0.2/16", "172.16.0.1")]
    [TestCase("10.244.1.0/24", "10.244.1.2/24", "10.244.1.1")]
    [TestCase("10.244.1.8/29", "10.244.1.10/29", "10.244.1.9")]
    [TestCase("10.244.1.4/30", "10.244.1.6/30", "10.244.1.5")]
    public async Task FirstAllocationFollowsThePrefix(string subnet, string address, string gateway)
    {
        var result = (await AddAsync("ctr-1", Lab(subnet))).EnsureResult();

        Assert.Multiple(() =>
        {
            Assert.That(result.FirstIp.Address, Is.EqualTo(address));
            Assert.That(result.FirstIp.Gateway, Is.EqualTo(gateway));
        });
    }

    [TestCase("172.16.0.0/16", "172.16.0.254", new[] { "172.16.0.254", "172.16.0.255", "172.16.1.0", "172.16.1.1" })]
    [TestCase("10.0.0.0/8", "10.0.255.254", new[] { "10.0.255.254", "10.0.255.255", "10.1.0.0", "10.1.0.1" })]
    public async Task AllocationCrossesOctetBoundaries(string subnet, string rangeStart, string[] expected)
    {
        var config = Lab(subnet).RangeStart(rangeStart);
        var got = new List<string>();
        for (var i = 0; i < expected.Length; i++) got.Add(await AllocateAsync($"ctr-{i}", config));

        Assert.That(got, Is.EqualTo(expected), ".255 and .0 inside a larger prefix are ordinary hosts");
    }

    [TestCase("10.244.1.4/30")]
    [TestCase("10.244.1.8/29")]
    [TestCase("10.244.1.16/28")]
    public async Task SmallPrefixIsExhaustedWithoutNetworkGatewayOrBroadcast(string subnet)
    {
        var cidr = Cidr.Parse(subnet);
        var gateway = cidr.FirstHost.ToString();
        var pool = cidr.Hosts().Select(a => a.ToString()).Where(a => a != gateway).ToList();
        var config = Lab(subnet);

        var got = new List<string>();
        foreach (var i in Enumerable.Range(0, pool.Count)) got.Add(await AllocateAsync($"ctr-{i}", config));
        var before = Reservations();
        var exhausted = await AddAsync("one-too-many", config);

        Assert.Multiple(() =>
        {
            Assert.That(got, Is.EqualTo(pool), "every usable address except the gateway, in order");
            Assert.That(got, Does.Not.Contain(cidr.Network.ToString()).And.Not.Contain(cidr.Broadcast.ToString()).And.Not.Contain(gateway));
            var error = AssertCniError(exhausted, CniErrorCodes.RangeExhausted);
            Assert.That(error.Msg, Does.Contain("no IP addresses available in range set"));
            Assert.That(error.Msg, Does.Match($@"{Regex(cidr.FirstHost.ToString())}|{Regex(pool[0])}"), "the message names the range's first address");
            Assert.That(error.Msg, Does.Contain("-" + cidr.LastHost), "the message names the range's last address");
            Assert.That(Reservations(), Is.EqualTo(before), "a failed ADD leaves the store as it was");
            Assert.That(Reservations().Values, Has.None.Contains("one-too-many"));
            Assert.That(Store.Strays(StoreDir), Is.Empty, "no temporary files left behind");
            Assert.That(Store.StaleIndexEntries(StoreDir), Is.Empty, "no index entry for the failed ADD");
        });
    }

    [TestCase("172.16.0.0/16", "172.16.255.252")]
    [TestCase("10.0.0.0/8", "10.255.255.252")]
    public async Task LargePrefixIsExhaustedBeforeItsBroadcast(string subnet, string rangeStart)
    {
        var cidr = Cidr.Parse(subnet);
        var config = Lab(subnet).RangeStart(rangeStart);
        var got = new List<string>();
        for (var i = 0; i < 3; i++) got.Add(await AllocateAsync($"ctr-{i}", config));
        var exhausted = await AddAsync("ctr-3", config);

        Assert.Multiple(() =>
        {
            Assert.That(got, Is.EqualTo(new[] { rangeStart, Cidr.Add(Ip(rangeStart), 1).ToString(), Cidr.Add(Ip(rangeStart), 2).ToString() }));
            Assert.That(got, Does.Not.Contain(cidr.Broadcast.ToString()));
            var error = AssertCniError(exhausted, CniErrorCodes.RangeExhausted);
            Assert.That(error.Msg, Does.Contain($"{rangeStart}-{cidr.LastHost}"));
        });
    }

    private static string Regex(string ip) => System.Text.RegularExpressions.Regex.Escape(ip + "-");
}
