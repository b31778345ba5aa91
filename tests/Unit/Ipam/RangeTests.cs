using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>rangeStart / rangeEnd: inclusive bounds inside the subnet; the exhaustion message names them.</summary>
[Feature("rangeStart / rangeEnd")]
public sealed class RangeTests : IpamTestBase
{
    [TestCase("10.244.1.10", "10.244.1.12", new[] { "10.244.1.10", "10.244.1.11", "10.244.1.12" }, @"range set: 10\.244\.1\.10-10\.244\.1\.12")]
    [TestCase("10.244.1.250", null, new[] { "10.244.1.250", "10.244.1.251", "10.244.1.252", "10.244.1.253", "10.244.1.254" }, @"range set: 10\.244\.1\.250-10\.244\.1\.254")]
    [TestCase(null, "10.244.1.4", new[] { "10.244.1.2", "10.244.1.3", "10.244.1.4" }, @"range set: 10\.244\.1\.[12]-10\.244\.1\.4")]
    [TestCase("10.244.1.1", "10.244.1.3", new[] { "10.244.1.2", "10.244.1.3" }, @"range set: 10\.244\.1\.[12]-10\.244\.1\.3")]
    [TestCase("10.244.1.7", "10.244.1.7", new[] { "10.244.1.7" }, @"range set: 10\.244\.1\.7-10\.244\.1\.7")]
    public async Task RangeIsInclusiveAndExhaustsWithItsBoundsInTheMessage(string? start, string? end, string[] expected, string messagePattern)
    {
        var config = Lab();
        if (start is not null) config = config.RangeStart(start);
        if (end is not null) config = config.RangeEnd(end);

        var got = new List<string>();
        for (var i = 0; i < expected.Length; i++) got.Add(await AllocateAsync($"ctr-{i}", config));
        var exhausted = await AddAsync("ctr-x", config);

        Assert.Multiple(() =>
        {
            Assert.That(got, Is.EqualTo(expected));
            var error = AssertCniError(exhausted, CniErrorCodes.RangeExhausted);
            Assert.That(error.Msg, Does.Match(messagePattern), "the message names the range (a range starting on the gateway may be named from the gateway or the address after it)");
        });
    }

    [Test]
    public async Task StandardFormHonoursTheRange()
    {
        var config = Standard().RangeStart("10.244.1.100").RangeEnd("10.244.1.101");

        Assert.That(new[] { await AllocateAsync("a", config), await AllocateAsync("b", config) },
            Is.EqualTo(new[] { "10.244.1.100", "10.244.1.101" }));
    }
}
