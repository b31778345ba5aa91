using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>GC and STATUS (cniVersion 1.1.0) and CHECK (≥ 0.4.0) of the IPAM plugin.</summary>
[Feature("GC, STATUS, CHECK")]
[Category(BashCni.Harness.Layers.QuickRun.Category)]
public sealed class LifecycleCommandTests : IpamTestBase
{
    private NetworkConfig V110 => Lab(cniVersion: CniVersions.V110);

    [Test]
    public async Task GcReleasesEveryAttachmentNotListedAsValid()
    {
        foreach (var id in new[] { "a", "b", "c" }) await AllocateAsync(id, V110);
        await AllocateAsync("a", V110, "eth1");

        var gc = await Ipam.GcAsync(Call("", V110.ValidAttachments([("a", "eth0"), ("c", "eth0")])));

        Assert.Multiple(() =>
        {
            Assert.That(gc.ExitCode, Is.Zero, gc.ToString());
            Assert.That(gc.Stdout.Trim(), Is.Empty, "GC prints nothing on success");
            Assert.That(Reservations(), Is.EquivalentTo(new Dictionary<string, string>
            {
                ["10.244.1.2"] = Store.Entry("a", "eth0"),
                ["10.244.1.4"] = Store.Entry("c", "eth0"),
            }), "b/eth0 and a/eth1 are released; a/eth0 and c/eth0 stay");
        });
    }

    [Test]
    public async Task GcWithNoValidAttachmentsReleasesAll()
    {
        foreach (var id in new[] { "a", "b" }) await AllocateAsync(id, V110);

        var gc = await Ipam.GcAsync(Call("", V110.ValidAttachments([])));

        Assert.Multiple(() =>
        {
            Assert.That(gc.ExitCode, Is.Zero, gc.ToString());
            Assert.That(Reservations(), Is.Empty);
        });
    }

    [Test]
    public async Task GcKeepsValidAttachmentsWhoseIdsOverlap()
    {
        foreach (var id in new[] { "ab", "abc", "a.c" }) await AllocateAsync(id, V110);

        var gc = await Ipam.GcAsync(Call("", V110.ValidAttachments([("abc", "eth0")])));

        Assert.Multiple(() =>
        {
            Assert.That(gc.ExitCode, Is.Zero, gc.ToString());
            Assert.That(Reservations().Values, Is.EquivalentTo(new[] { Store.Entry("abc", "eth0") }));
        });
    }

    [Test]
    public async Task StatusReportsNotAvailableOnlyWhileTheRangeIsExhausted()
    {
        var config = Lab("10.244.1.4/30", CniVersions.V110); // one address: .6
        var empty = await Ipam.StatusAsync(Call("", config));
        await AllocateAsync("ctr-1", config);
        var full = await Ipam.StatusAsync(Call("", config));
        await ReleaseAsync("ctr-1", config);
        var freed = await Ipam.StatusAsync(Call("", config));

        Assert.Multiple(() =>
        {
            Assert.That(empty.ExitCode, Is.Zero, empty.ToString());
            AssertCniError(full, CniErrorCodes.NotAvailable, CniVersions.V110);
            Assert.That(freed.ExitCode, Is.Zero, freed.ToString());
        });
    }

    [Test]
    public async Task StatusDoesNotReserveAnything()
    {
        var status = await Ipam.StatusAsync(Call("", V110));

        Assert.Multiple(() =>
        {
            Assert.That(status.ExitCode, Is.Zero, status.ToString());
            Assert.That(Reservations(), Is.Empty);
        });
    }

    [TestCase(CniVersions.V040)]
    [TestCase(CniVersions.V100)]
    [TestCase(CniVersions.V110)]
    public async Task CheckPassesForAReservedAttachmentAndFailsForAnUnknownOne(string version)
    {
        var config = Lab(cniVersion: version);
        var result = (await AddAsync("ctr-1", config)).EnsureResult();
        var withPrev = config.PrevResult(result.Json);

        var known = await Ipam.CheckAsync(Call("ctr-1", withPrev));
        var unknown = await Ipam.CheckAsync(Call("ctr-2", withPrev));

        Assert.Multiple(() =>
        {
            Assert.That(known.ExitCode, Is.Zero, known.ToString());
            AssertCniError(unknown, CniErrorCodes.UnknownContainer, version);
        });
    }
}
