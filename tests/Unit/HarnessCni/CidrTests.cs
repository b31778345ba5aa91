using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.HarnessCni;

[Epic("Harness: CNI")]
[Feature("CIDR math")]
[Category("Unit")]
[Category(BashCni.Harness.Layers.QuickRun.Category)]
public sealed class CidrTests
{
    [TestCase("10.244.1.0/24", "10.244.1.0", "10.244.1.255", "10.244.1.1", "10.244.1.254", 256UL, 254UL)]
    [TestCase("10.0.0.0/8", "10.0.0.0", "10.255.255.255", "10.0.0.1", "10.255.255.254", 16777216UL, 16777214UL)]
    [TestCase("172.16.0.0/16", "172.16.0.0", "172.16.255.255", "172.16.0.1", "172.16.255.254", 65536UL, 65534UL)]
    [TestCase("10.244.1.8/29", "10.244.1.8", "10.244.1.15", "10.244.1.9", "10.244.1.14", 8UL, 6UL)]
    [TestCase("10.244.1.4/30", "10.244.1.4", "10.244.1.7", "10.244.1.5", "10.244.1.6", 4UL, 2UL)]
    [TestCase("10.244.1.6/31", "10.244.1.6", "10.244.1.7", "10.244.1.6", "10.244.1.7", 2UL, 2UL)]
    [TestCase("10.244.1.7/32", "10.244.1.7", "10.244.1.7", "10.244.1.7", "10.244.1.7", 1UL, 1UL)]
    [TestCase("0.0.0.0/0", "0.0.0.0", "255.255.255.255", "0.0.0.1", "255.255.255.254", 4294967296UL, 4294967294UL)]
    [TestCase("10.244.1.77/24", "10.244.1.0", "10.244.1.255", "10.244.1.1", "10.244.1.254", 256UL, 254UL)]
    public void ComputesNetworkBroadcastAndHosts(string text, string network, string broadcast, string first, string last, ulong size, ulong hosts)
    {
        var cidr = Cidr.Parse(text);

        Assert.Multiple(() =>
        {
            Assert.That(cidr.Network.ToString(), Is.EqualTo(network));
            Assert.That(cidr.Broadcast.ToString(), Is.EqualTo(broadcast));
            Assert.That(cidr.FirstHost.ToString(), Is.EqualTo(first));
            Assert.That(cidr.LastHost.ToString(), Is.EqualTo(last));
            Assert.That(cidr.Size, Is.EqualTo(size));
            Assert.That(cidr.HostCount, Is.EqualTo(hosts));
            Assert.That(cidr.ToString(), Is.EqualTo(text), "ToString keeps the address as written");
        });
    }

    [TestCase("10.244.1.5/24", true)]
    [TestCase("10.244.1.0/24", false)]
    [TestCase("10.244.1.8/29", false)]
    [TestCase("10.244.1.9/29", true)]
    [TestCase("10.244.128.0/17", false)]
    [TestCase("10.244.1.0/16", true)]
    public void DetectsHostBits(string text, bool hostBits)
    {
        var cidr = Cidr.Parse(text);

        Assert.Multiple(() =>
        {
            Assert.That(cidr.HasHostBits, Is.EqualTo(hostBits));
            Assert.That(cidr.NetworkCidr.HasHostBits, Is.False);
        });
    }

    [TestCase("10.244.1.0/24", "10.244.1.0", true)]
    [TestCase("10.244.1.0/24", "10.244.1.255", true)]
    [TestCase("10.244.1.0/24", "10.244.2.0", false)]
    [TestCase("10.244.1.8/29", "10.244.1.7", false)]
    [TestCase("10.244.1.8/29", "10.244.1.16", false)]
    [TestCase("10.244.0.0/16", "10.244.200.3", true)]
    [TestCase("10.244.0.0/16", "10.245.0.1", false)]
    [TestCase("10.244.1.0/24", "not-an-ip", false)]
    public void ContainsAddress(string text, string address, bool contains) =>
        Assert.That(Cidr.Parse(text).Contains(address), Is.EqualTo(contains));

    [TestCase("10.244.0.0/16", "10.244.1.0/24", true)]
    [TestCase("10.244.1.0/24", "10.244.0.0/16", false)]
    [TestCase("10.244.1.0/24", "10.244.1.128/25", true)]
    [TestCase("10.244.1.0/25", "10.244.1.128/25", false)]
    public void ContainsPrefix(string outer, string inner, bool contains) =>
        Assert.That(Cidr.Parse(outer).Contains(Cidr.Parse(inner)), Is.EqualTo(contains));

    [TestCase("10.244.1.0")]
    [TestCase("10.244.1.0/33")]
    [TestCase("10.244.1/24")]
    [TestCase("256.0.0.0/8")]
    [TestCase("010.0.0.0/8")]
    [TestCase("10.0.0.0/-1")]
    [TestCase("10.0.0.0/ 8")]
    [TestCase("10.0.0.0/08")]
    [TestCase("a.b.c.d/8")]
    [TestCase("10.0.0.0.0/8")]
    [TestCase("")]
    [TestCase("fd00::/64")]
    public void RejectsMalformedText(string text)
    {
        Assert.Multiple(() =>
        {
            Assert.That(Cidr.TryParse(text, out _), Is.False);
            Assert.That(() => Cidr.Parse(text), Throws.TypeOf<FormatException>().With.Message.Contains(text));
        });
    }

    [Test]
    public void EnumeratesEveryAddressAndTheHostsInOrder()
    {
        var cidr = Cidr.Parse("10.244.1.8/29");

        Assert.Multiple(() =>
        {
            Assert.That(cidr.Enumerate().Select(a => a.ToString()),
                Is.EqualTo(Enumerable.Range(8, 8).Select(i => $"10.244.1.{i}")));
            Assert.That(cidr.Hosts().Select(a => a.ToString()),
                Is.EqualTo(Enumerable.Range(9, 6).Select(i => $"10.244.1.{i}")));
            Assert.That(cidr.At(2).ToString(), Is.EqualTo("10.244.1.10"));
            Assert.That(() => cidr.At(8), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void ArithmeticCrossesOctets()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Cidr.Add(Cidr.ParseIPv4("10.0.255.255"), 1).ToString(), Is.EqualTo("10.1.0.0"));
            Assert.That(Cidr.Add(Cidr.ParseIPv4("10.1.0.0"), -1).ToString(), Is.EqualTo("10.0.255.255"));
            Assert.That(Cidr.ToUInt32(Cidr.ParseIPv4("1.2.3.4")), Is.EqualTo(0x01020304u));
            Assert.That(Cidr.FromUInt32(0xC0A80001u).ToString(), Is.EqualTo("192.168.0.1"));
        });
    }

    [Test]
    public void EqualityIsByAddressAndPrefix()
    {
        Assert.Multiple(() =>
        {
            var a = Cidr.Parse("10.244.1.0/24");
            var b = Cidr.Parse("10.244.1.0/24");
            Assert.That(a, Is.EqualTo(b));
            Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
            Assert.That(Cidr.Parse("10.244.1.0/24") == Cidr.Parse("10.244.1.0/25"), Is.False);
            Assert.That(Cidr.Parse("10.244.1.7/24").NetworkCidr, Is.EqualTo(Cidr.Parse("10.244.1.0/24")));
        });
    }
}
