using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>Configs that must be refused with code 7 (invalid network config), leaving no reservation behind.</summary>
[Feature("Config validation")]
public sealed class ConfigValidationTests : IpamTestBase
{
    [TestCase("10.244.1.0/31", Description = "too small")]
    [TestCase("10.244.1.0/32", Description = "too small")]
    [TestCase("10.244.1.5/24", Description = "host bits set")]
    [TestCase("10.244.1.128/23", Description = "host bits set")]
    [TestCase("10.244.1.0/33", Description = "prefix out of range")]
    [TestCase("10.244.1.0", Description = "no prefix")]
    [TestCase("10.244.1.0/abc", Description = "prefix not a number")]
    [TestCase("300.244.1.0/24", Description = "octet out of range")]
    [TestCase("not-a-subnet", Description = "not an address")]
    [TestCase("", Description = "empty")]
    [TestCase("fd00:10:244:1::/64", Description = "IPv6 is not served")]
    [TestCase("0.0.0.0/1", Description = "gateway 0.0.0.1 in 0.0.0.0/8: the kernel refuses it as a next hop")]
    [TestCase("224.0.0.0/24", Description = "gateway 224.0.0.1 is multicast: the kernel refuses it as a next hop")]
    public async Task BadSubnetIsRejected(string subnet)
    {
        var exchange = await AddAsync("ctr-1", Lab(subnet));

        AssertCniError(exchange, CniErrorCodes.InvalidNetworkConfig);
        Assert.That(Reservations(), Is.Empty);
    }

    [TestCase("lab")]
    [TestCase("standard")]
    public async Task MissingSubnetIsRejected(string form)
    {
        var config = (form == "lab" ? Lab() : Standard()).WithoutIpamField("subnet");

        AssertCniError(await AddAsync("ctr-1", config), CniErrorCodes.InvalidNetworkConfig);
    }

    [TestCase("rangeStart", "10.244.2.10")]
    [TestCase("rangeEnd", "10.244.2.10")]
    [TestCase("rangeStart", "10.244.0.255")]
    [TestCase("rangeStart", "not-an-ip")]
    [TestCase("rangeEnd", "10.244.1.300")]
    public async Task RangeBoundOutsideTheSubnetIsRejected(string field, string value)
    {
        var exchange = await AddAsync("ctr-1", Lab().WithIpamField(field, value));

        AssertCniError(exchange, CniErrorCodes.InvalidNetworkConfig);
        Assert.That(Reservations(), Is.Empty);
    }

    [TestCase("gateway", "10.9.9.9", Description = "gateway outside the subnet")]
    [TestCase("gateway", "10.244.1", Description = "gateway not an address")]
    [TestCase("lockTimeout", "soon", Description = "lockTimeout not a number")]
    public async Task InvalidIpamFieldIsRejected(string field, string value)
    {
        var exchange = await AddAsync("ctr-1", Lab().WithIpamField(field, value));

        AssertCniError(exchange, CniErrorCodes.InvalidNetworkConfig);
        Assert.That(Reservations(), Is.Empty);
    }

    [Test]
    public async Task RangeStartAfterRangeEndIsRejected()
    {
        var exchange = await AddAsync("ctr-1", Lab().RangeStart("10.244.1.20").RangeEnd("10.244.1.10"));

        AssertCniError(exchange, CniErrorCodes.InvalidNetworkConfig);
    }

    [Test]
    public async Task UnknownAndRuntimeFieldsAreIgnored()
    {
        var config = Lab(cniVersion: CniVersions.V040)
            .With("runtimeConfig", new System.Text.Json.Nodes.JsonObject { ["portMappings"] = new System.Text.Json.Nodes.JsonArray() })
            .With("capabilities", new System.Text.Json.Nodes.JsonObject { ["portMappings"] = true })
            .With("args", new System.Text.Json.Nodes.JsonObject { ["cni"] = new System.Text.Json.Nodes.JsonObject() })
            .With("somethingElse", 42);

        Assert.That(await AllocateAsync("ctr-1", config), Is.EqualTo("10.244.1.2"));
    }

    [TestCase("my net")]
    [TestCase("../escape")]
    [TestCase("-dash-first")]
    [TestCase("")]
    public async Task BadNetworkNameIsRejected(string name)
    {
        var exchange = await AddAsync("ctr-1", Lab().Named(name));

        AssertCniError(exchange, CniErrorCodes.InvalidNetworkConfig);
        Assert.That(Directory.Exists(Path.Combine(TempRoot, "escape")), Is.False, "nothing is written outside the dataDir");
    }
}
