using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>A second ADD for the same container ID + ifname is refused (111) and changes nothing.</summary>
[Feature("Duplicate ADD")]
public sealed class DuplicateAddTests : IpamTestBase
{
    [Test]
    public async Task SecondAddForTheSameAttachmentIsRefusedNamingTheAddress()
    {
        var first = await AllocateAsync("ctr-1");
        var before = Reservations();
        var lastReserved = File.ReadAllText(Path.Combine(StoreDir, Store.LastReservedFile));

        var again = await AddAsync("ctr-1");

        Assert.Multiple(() =>
        {
            var error = AssertCniError(again, CniErrorCodes.DuplicateAdd);
            Assert.That(error.Msg, Does.Contain(first), "the message names the address already held");
            Assert.That(Reservations(), Is.EqualTo(before), "no second reservation");
            Assert.That(File.ReadAllText(Path.Combine(StoreDir, Store.LastReservedFile)), Is.EqualTo(lastReserved));
        });
    }

    [Test]
    public async Task DuplicateIsDetectedEvenWhenTheRangeIsFull()
    {
        var config = Lab("10.244.1.4/30");
        await AllocateAsync("ctr-1", config);

        AssertCniError(await AddAsync("ctr-1", config), CniErrorCodes.DuplicateAdd);
    }

    [Test]
    public async Task AddAfterDelOfTheSameAttachmentSucceeds()
    {
        await AllocateAsync("ctr-1");
        await ReleaseAsync("ctr-1");

        var again = await AddAsync("ctr-1");

        Assert.That(again.ExitCode, Is.Zero, again.ToString());
    }
}
