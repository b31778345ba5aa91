using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>Which address an ADD hands out, and what the result says about it.</summary>
[Feature("Allocation")]
[Category(BashCni.Harness.Layers.QuickRun.Category)]
public sealed class AllocationTests : IpamTestBase
{
    [TestCase("lab")]
    [TestCase("standard")]
    public async Task FirstAddGetsTheAddressAfterTheGateway(string form)
    {
        var config = form == "lab" ? Lab() : Standard();
        var result = (await AddAsync("ctr-1", config)).EnsureResult();

        Assert.Multiple(() =>
        {
            Assert.That(result.Ips, Has.Count.EqualTo(1));
            Assert.That(result.FirstIp.Address, Is.EqualTo("10.244.1.2/24"));
            Assert.That(result.FirstIp.Gateway, Is.EqualTo("10.244.1.1"));
            Assert.That(result.Routes, Is.Empty, "no routes configured → none in the result");
            Assert.That(Reservations().Keys, Is.EqualTo(new[] { "10.244.1.2" }));
        });
    }

    [Test]
    public async Task SequentialAddsAllocateAscendingAddresses()
    {
        var got = new List<string>();
        for (var i = 0; i < 6; i++) got.Add(await AllocateAsync($"ctr-{i}"));

        Assert.That(got, Is.EqualTo(new[] { "10.244.1.2", "10.244.1.3", "10.244.1.4", "10.244.1.5", "10.244.1.6", "10.244.1.7" }));
    }

    [Test]
    public async Task ConfiguredGatewayIsSkippedAndReported()
    {
        // 10.244.1.0/29: hosts .1–.6; with the gateway on .5 the pool is .1 .2 .3 .4 .6.
        var config = Lab("10.244.1.0/29").Gateway("10.244.1.5");
        var got = new List<string>();
        string? gateway = null;
        for (var i = 0; i < 5; i++)
        {
            var result = (await AddAsync($"ctr-{i}", config)).EnsureResult();
            got.Add(result.FirstIp.Ip.ToString());
            gateway = result.FirstIp.Gateway;
        }
        var exhausted = await AddAsync("ctr-5", config);

        Assert.Multiple(() =>
        {
            Assert.That(got, Is.EqualTo(new[] { "10.244.1.1", "10.244.1.2", "10.244.1.3", "10.244.1.4", "10.244.1.6" }));
            Assert.That(gateway, Is.EqualTo("10.244.1.5"));
            AssertCniError(exhausted, CniErrorCodes.RangeExhausted);
        });
    }

    [Test]
    public async Task ResultCarriesTheConfiguredRoutes()
    {
        var config = Lab().Routes(("0.0.0.0/0", "10.244.1.1"), ("10.96.0.0/12", null));
        var result = (await AddAsync("ctr-1", config)).EnsureResult();

        Assert.That(result.Routes, Is.EqualTo(new[] { new CniRoute("0.0.0.0/0", "10.244.1.1"), new CniRoute("10.96.0.0/12", null) }));
    }

    [Test]
    public async Task NetnsIsNeitherNeededNorTouched()
    {
        var add = await Ipam.AddAsync(new CniCall("ctr-1", "/nonexistent/netns/path", "eth0", Lab()));
        var del = await Ipam.DelAsync(new CniCall("ctr-1", null, "eth0", Lab()));

        Assert.Multiple(() =>
        {
            Assert.That(add.EnsureResult().FirstIp.Address, Is.EqualTo("10.244.1.2/24"));
            Assert.That(del.ExitCode, Is.Zero, del.ToString());
            Assert.That(Reservations(), Is.Empty);
        });
    }

    [Test]
    public async Task HostLocalRangesFormUsesTheFirstRange()
    {
        var ranges = new System.Text.Json.Nodes.JsonArray(
            new System.Text.Json.Nodes.JsonArray(
                new System.Text.Json.Nodes.JsonObject { ["subnet"] = "10.244.1.8/29", ["rangeStart"] = "10.244.1.11" }));
        var config = Standard().WithoutIpamField("subnet").WithIpamField("ranges", ranges);

        var first = await AllocateAsync("ctr-1", config);
        var second = await AllocateAsync("ctr-2", config);

        Assert.That(new[] { first, second }, Is.EqualTo(new[] { "10.244.1.11", "10.244.1.12" }));
    }

    [Test]
    public async Task SameContainerOnAnotherInterfaceGetsASecondAddress()
    {
        var eth0 = await AllocateAsync("ctr-1", ifname: "eth0");
        var eth1 = await AllocateAsync("ctr-1", ifname: "eth1");

        Assert.Multiple(() =>
        {
            Assert.That(new[] { eth0, eth1 }, Is.EqualTo(new[] { "10.244.1.2", "10.244.1.3" }));
            Assert.That(Reservations()["10.244.1.3"], Is.EqualTo(Store.Entry("ctr-1", "eth1")));
        });
    }

    [Test]
    public async Task NetworksWithDifferentNamesHaveSeparateStores()
    {
        var alpha = await AllocateAsync("ctr-1", Lab().Named("alpha"));
        var beta = await AllocateAsync("ctr-1", Lab().Named("beta"));

        Assert.Multiple(() =>
        {
            Assert.That(alpha, Is.EqualTo("10.244.1.2"));
            Assert.That(beta, Is.EqualTo("10.244.1.2"));
            Assert.That(File.Exists(Path.Combine(DataDir, "alpha", "10.244.1.2")), Is.True);
            Assert.That(File.Exists(Path.Combine(DataDir, "beta", "10.244.1.2")), Is.True);
        });
    }
}
