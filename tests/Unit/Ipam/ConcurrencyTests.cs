using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>Many plugin processes at once against one store: the lock keeps every address unique.</summary>
[Feature("Concurrency")]
[Severity(SeverityLevel.Critical)]
public sealed class ConcurrencyTests : IpamTestBase
{
    // Generous: 32 processes queue for the lock on a small, busy machine.
    private NetworkConfig Config(string subnet = Subnet24) => Lab(subnet).LockTimeout(120);

    [Test]
    public async Task ParallelAddsNeverShareAnAddress()
    {
        const int count = 32;
        var ids = Enumerable.Range(0, count).Select(i => $"par-{i}").ToList();

        var exchanges = await Task.WhenAll(ids.Select(id => AddAsync(id, Config())));

        var failures = exchanges.Where(e => !e.Succeeded).Select(e => e.ToString()).ToList();
        Assert.That(failures, Is.Empty, "every parallel ADD succeeds");
        var byId = ids.Zip(exchanges, (id, e) => (id, ip: e.EnsureResult().FirstIp.Ip.ToString())).ToList();
        var expectedPool = Enumerable.Range(2, count).Select(i => $"10.244.1.{i}").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(byId.Select(x => x.ip), Is.Unique, "no address handed out twice");
            Assert.That(byId.Select(x => x.ip), Is.EquivalentTo(expectedPool), "the first 32 addresses, each once");
            Assert.That(Reservations(), Is.EquivalentTo(byId.ToDictionary(x => x.ip, x => Store.Entry(x.id, "eth0"))),
                "each store file names the container that got the address");
        });
    }

    [Test]
    public async Task ParallelAddsBeyondCapacityFailCleanly()
    {
        var config = Config("10.244.1.8/29"); // 5 addresses: .10–.14
        var ids = Enumerable.Range(0, 10).Select(i => $"over-{i}").ToList();

        var exchanges = await Task.WhenAll(ids.Select(id => AddAsync(id, config)));

        var won = exchanges.Where(e => e.Succeeded).Select(e => e.EnsureResult().FirstIp.Ip.ToString()).ToList();
        var lost = exchanges.Where(e => !e.Succeeded).ToList();
        // Which ADDs lose the race is not known beforehand: a refusal with code 110 is the expected one (its step green).
        foreach (var refused in lost.Where(e => e.Error?.Code == CniErrorCodes.RangeExhausted)) refused.ExpectError(CniErrorCodes.RangeExhausted);
        Assert.Multiple(() =>
        {
            Assert.That(won, Is.EquivalentTo(new[] { "10.244.1.10", "10.244.1.11", "10.244.1.12", "10.244.1.13", "10.244.1.14" }));
            Assert.That(lost.Select(e => e.Error?.Code), Is.All.EqualTo(CniErrorCodes.RangeExhausted), string.Join("\n", lost));
            Assert.That(Reservations(), Has.Count.EqualTo(5));
        });
    }

    [Test]
    public async Task ParallelDelsAndAddsKeepTheStoreConsistent()
    {
        const int count = 12;
        var config = Config();
        var old = new List<string>();
        for (var i = 0; i < count; i++) old.Add(await AllocateAsync($"old-{i}", config));

        var dels = Enumerable.Range(0, count).Select(i => DelAsync($"old-{i}", config));
        var adds = Enumerable.Range(0, count).Select(i => AddAsync($"new-{i}", config));
        var all = await Task.WhenAll(dels.Concat(adds));

        Assert.That(all.Where(e => !e.Succeeded).Select(e => e.ToString()), Is.Empty, "every call succeeds");
        var added = all.Skip(count).Select(e => e.EnsureResult().FirstIp.Ip.ToString()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(added, Is.Unique);
            Assert.That(Reservations().Values, Is.EquivalentTo(Enumerable.Range(0, count).Select(i => Store.Entry($"new-{i}", "eth0"))),
                "only the new containers hold addresses");
            Assert.That(Reservations().Keys, Is.EquivalentTo(added));
        });
    }
}
