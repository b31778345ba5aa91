using System.Globalization;
using System.Text.Json.Nodes;
using BashCni.Harness.Cni;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

/// <summary>
/// Allocation at both ends of a small range (rangeStart .10 – rangeEnd .12) before and after wrap-around, with the
/// addresses released in a given order, through the IPAM plugin (bash-cni-ipam, the same store code bash-cni runs
/// in the lab form). Every address handed out is compared with host-local's rule: the next free address after the
/// one handed out last, wrapping from rangeEnd to rangeStart; every release frees exactly the released address.
/// </summary>
public static class RangeChecks
{
    public const string Check = "allocation wraps around the range and reuses released addresses in host-local order";
    private static readonly string[] Range = ["10.244.1.10", "10.244.1.11", "10.244.1.12"];

    public static async Task<Verdict> WrapAroundAsync(TestNode node, IReadOnlyList<int> releaseOrder)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(releaseOrder);
        var config = NetworkConfig.Parse(new JsonObject
        {
            ["cniVersion"] = node.Profile.NewestVersion, ["name"] = "wrapnet", ["type"] = "bash-cni-ipam",
            ["subnet"] = TestNode.DefaultSubnet, ["rangeStart"] = Range[0], ["rangeEnd"] = Range[^1], ["dataDir"] = node.Node.DataDir,
        }.ToJsonString());
        var ipam = new CniPlugin(node.Profile.PluginDir, "bash-cni-ipam", node.Runner) { NodeNetNs = node.Node.Name };
        var p = new Findings();
        var held = new Dictionary<string, string>(StringComparer.Ordinal); // address → container ID
        var last = -1;
        var n = 0;
        CniCall Call(string id) => new(id, "/var/run/netns/none", "eth0", config);

        // host-local's rule: after the last handed out (or from rangeStart), wrapping; null = the range is full.
        string? Expected()
        {
            for (var i = 1; i <= Range.Length; i++)
            {
                var candidate = Range[(last + i + Range.Length) % Range.Length];
                if (last < 0) candidate = Range[i - 1];
                if (!held.ContainsKey(candidate)) return candidate;
            }
            return null;
        }

        async Task<bool> AddAsync(string why)
        {
            var id = "wrap" + (n++).ToString(CultureInfo.InvariantCulture);
            var expected = Expected();
            var add = await ipam.AddAsync(expected is null ? Call(id) with { ExpectedError = node.Expecting(110) } : Call(id)).ConfigureAwait(false);
            var got = add.Result?.Ips.FirstOrDefault()?.Ip.ToString();
            if (expected is null)
            {
                if (add.Succeeded) p.Add($"{why}: the full range handed out {got}");
                else if (node.Profile.Has(PluginProfile.ErrorCodes) && add.Error?.Code != 110) p.Add($"{why}: a full range answered {add.Stdout.Trim()}, expected code 110");
                return false;
            }
            if (got is null)
            {
                p.Add($"{why}: got no address ({add.Stdout.Trim()}), {expected} was free");
                return false;
            }
            if (got != expected) p.Add($"{why}: got {got}, host-local's order gives {expected} (last handed out: {(last < 0 ? "none" : Range[last])})");
            held[got] = id;
            last = Array.IndexOf(Range, got);
            return true;
        }

        async Task DelAsync(string address, string why)
        {
            var id = held[address];
            var del = await ipam.DelAsync(Call(id)).ConfigureAwait(false);
            if (!del.Succeeded) p.Add($"{why}: DEL of {id} failed: {del.Stdout.Trim()}");
            held.Remove(address);
            var store = await node.ReservationsAsync(config).ConfigureAwait(false);
            if (!store.Keys.Order(StringComparer.Ordinal).SequenceEqual(held.Keys.Order(StringComparer.Ordinal)))
                p.Add($"{why}: the store holds {string.Join(", ", store.Keys)}, expected {string.Join(", ", held.Keys.Order(StringComparer.Ordinal))}");
        }

        for (var i = 0; i < Range.Length; i++) await AddAsync($"filling, ADD {i + 1}").ConfigureAwait(false);
        await AddAsync("the range is full").ConfigureAwait(false);
        // Each released address is the only free one: the next ADD must wrap around to it from wherever `last` is.
        foreach (var k in releaseOrder)
        {
            var address = Range[k];
            if (!held.ContainsKey(address)) continue;
            await DelAsync(address, $"releasing {address}").ConfigureAwait(false);
            await AddAsync($"the ADD after releasing {address}").ConfigureAwait(false);
        }
        // Everything released in the order given, then one ADD: the address after the one handed out last.
        foreach (var k in releaseOrder)
            if (held.ContainsKey(Range[k])) await DelAsync(Range[k], $"emptying, releasing {Range[k]}").ConfigureAwait(false);
        await AddAsync("the first ADD into the emptied range").ConfigureAwait(false);
        foreach (var address in held.Keys.ToList()) await DelAsync(address, "cleaning up").ConfigureAwait(false);
        return Verdict.Of(Check, p, $"release order {string.Join(" ", releaseOrder.Select(k => Range[k]))}");
    }

    /// <summary>Every order of releasing the three addresses.</summary>
    public static IEnumerable<int[]> ReleaseOrders() =>
        [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
}
