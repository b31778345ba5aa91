using System.Diagnostics;
using System.Globalization;
using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using CsCheck;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>
/// Model-based property test: random ADD/DEL sequences run against the real plugin and the in-memory
/// <see cref="IpamModel"/>; every answer and the final store must agree. CsCheck shrinks a failing sequence.
/// </summary>
[Feature("Model-based property test")]
[Severity(SeverityLevel.Critical)]
public sealed class IpamModelTests : IpamTestBase
{
    /// <summary>Container IDs that are substrings / regex matches of each other, to catch inexact release.</summary>
    private static readonly string[] Pods = ["p1", "p10", "p1.0", "xp1"];

    private static readonly string[] IfNames = ["eth0", "eth1"];

    public sealed record Op(bool IsAdd, int Pod, int If)
    {
        public override string ToString() => $"{(IsAdd ? "ADD" : "DEL")} {Pods[Pod]}/{IfNames[If]}";
    }

    /// <summary>The pools a sequence runs against: the /29 lab-style range, and a rangeStart/rangeEnd slice of a /28.</summary>
    private static readonly (string Subnet, string? RangeStart, string? RangeEnd)[] Pools =
    [
        ("10.244.1.0/29", null, null),
        ("10.244.1.16/28", "10.244.1.27", "10.244.1.30"),
    ];

    private static readonly Gen<Op> Ops =
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, Pods.Length - 1], Gen.Int[0, IfNames.Length - 1], (kind, pod, itf) => new Op(kind < 6, pod, itf));

    private static readonly Gen<(int Pool, Op[] Ops)> Sequences = Gen.Select(Gen.Int[0, Pools.Length - 1], Ops.Array[1, 8]);

    [Test]
    public async Task RandomAddDelSequencesAgreeWithTheModel()
    {
        var plugin = new CniPlugin(Ipam.PluginDir, Ipam.Type, Ipam.Runner) { RecordEvidence = false };
        var calls = 0;
        var sequences = 0;
        var clock = Stopwatch.StartNew();

        async Task RunSequence(int poolIndex, Op[] ops)
        {
            var (subnet, rangeStart, rangeEnd) = Pools[poolIndex];
            var dataDir = Path.Combine(TempRoot, "seq-" + Guid.NewGuid().ToString("N"));
            try
            {
                var config = Lab(subnet).DataDir(dataDir).LockTimeout(60);
                if (rangeStart is not null) config = config.RangeStart(rangeStart);
                if (rangeEnd is not null) config = config.RangeEnd(rangeEnd);
                var model = new IpamModel(PoolOf(subnet, rangeStart, rangeEnd));
                var step = 0;
                foreach (var op in ops)
                {
                    step++;
                    var (id, ifName) = (Pods[op.Pod], IfNames[op.If]);
                    var call = new CniCall(id, "/var/run/netns/model", ifName, config);
                    Interlocked.Increment(ref calls);
                    if (op.IsAdd)
                    {
                        var exchange = await plugin.AddAsync(call);
                        var (ip, code) = model.Add(id, ifName);
                        var gotIp = exchange.Succeeded ? exchange.Result?.FirstIp.Ip.ToString() : null;
                        var gotCode = exchange.Error?.Code;
                        if (gotIp != ip || gotCode != code)
                            throw new ModelMismatchException(
                                $"step {step} {op}: model expects {ip ?? "error " + code}, plugin gave {gotIp ?? "error " + (gotCode?.ToString(CultureInfo.InvariantCulture) ?? "without CNI error JSON")}\n{exchange}");
                    }
                    else
                    {
                        var exchange = await plugin.DelAsync(call);
                        model.Del(id, ifName);
                        if (!exchange.Succeeded) throw new ModelMismatchException($"step {step} {op}: DEL failed\n{exchange}");
                    }
                }
                var store = Store.Reservations(Path.Combine(dataDir, NetName));
                var expected = model.Store;
                if (store.Count != expected.Count || store.Any(p => !expected.TryGetValue(p.Key, out var v) || v != p.Value))
                    throw new ModelMismatchException($"store after {ops.Length} ops differs: model {Describe(expected)}, plugin {Describe(store)}");
                Interlocked.Increment(ref sequences);
            }
            finally
            {
                if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
            }
        }

        try
        {
            await Sequences.SampleAsync(RunSequence, iter: 200, threads: 2,
                print: t => $"{Describe(Pools[t.Item1])}: {string.Join("; ", t.Item2.AsEnumerable())}");
        }
        catch (CsCheckException e)
        {
            Assert.Fail($"the plugin disagrees with the allocation model (smallest failing sequence found):\n{e.Message}");
        }
        Evidence.Attach("model run", $"{sequences} sequences, {calls} plugin calls, {clock.Elapsed.TotalSeconds:F1} s\n");
        Assert.That(sequences, Is.GreaterThanOrEqualTo(200), "every sampled sequence ran");
    }

    /// <summary>The addresses a range hands out, in order: rangeStart (default network+1) … rangeEnd (default broadcast-1), minus the gateway.</summary>
    private static List<string> PoolOf(string subnet, string? rangeStart, string? rangeEnd)
    {
        var cidr = Cidr.Parse(subnet);
        var gateway = Cidr.ToUInt32(cidr.FirstHost);
        var first = rangeStart is null ? gateway : Cidr.ToUInt32(Ip(rangeStart));
        var last = rangeEnd is null ? Cidr.ToUInt32(cidr.LastHost) : Cidr.ToUInt32(Ip(rangeEnd));
        return Enumerable.Range(0, (int)(last - first + 1)).Select(i => first + (uint)i)
            .Where(v => v != gateway).Select(v => Cidr.FromUInt32(v).ToString()).ToList();
    }

    private static string Describe((string Subnet, string? RangeStart, string? RangeEnd) pool) =>
        pool.RangeStart is null && pool.RangeEnd is null ? pool.Subnet : $"{pool.Subnet} range {pool.RangeStart}-{pool.RangeEnd}";

    private static string Describe(IReadOnlyDictionary<string, string> store) =>
        "{" + string.Join(", ", store.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.Replace("\r\n", "/", StringComparison.Ordinal)}")) + "}";

    private sealed class ModelMismatchException(string message) : Exception(message);
}
