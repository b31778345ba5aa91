using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

public static class IpamChecks
{
    /// <summary>
    /// <paramref name="count"/> ADDs at once on a node without a bridge, then <paramref name="count"/> DELs at once:
    /// every ADD succeeds with a distinct address that the pod really has, the bridge is made exactly once, and
    /// afterwards the store holds no reservation and the node no veth.
    /// </summary>
    public static async Task<Verdict> ParallelAddDelAsync(TestNode node, int count, string subnet = TestNode.DefaultSubnet)
    {
        ArgumentNullException.ThrowIfNull(node);
        var check = $"{count} parallel ADDs get distinct addresses, {count} parallel DELs release them";
        var config = node.Config(subnet: subnet);
        var p = new Findings();
        if (await node.Node.LinkAsync(node.Bridge).ConfigureAwait(false) is not null) p.Add("the bridge exists before the first ADD");
        var pods = await Kernel.CreatePodsAsync(node.Node, count).ConfigureAwait(false);
        var adds = await Task.WhenAll(pods.Select(pod => node.Plugin.AddAsync(TestNode.Call(pod, config)))).ConfigureAwait(false);
        var addresses = new List<string>();
        for (var i = 0; i < count; i++)
        {
            if (!adds[i].Succeeded) { p.SetUp($"ADD {i} failed: exit {adds[i].ExitCode} {adds[i].Stdout.Trim()} {AddChecks.Tail(adds[i].Stderr, 300)}"); continue; }
            if (!CniResult.TryParse(adds[i].Stdout, out var r) || r is null || r.Ips.Count == 0) { p.Add($"ADD {i} printed no usable result: {adds[i].Stdout.Trim()}"); continue; }
            addresses.Add(r.Ips[0].Address);
        }
        foreach (var dup in addresses.GroupBy(a => a).Where(g => g.Count() > 1))
            p.Add($"{dup.Key} was handed out {dup.Count()} times");
        var kernel = await Kernel.PodAddressesAsync(node.Runner, pods).ConfigureAwait(false);
        var inKernel = kernel.Values.SelectMany(v => v).ToList();
        foreach (var dup in inKernel.GroupBy(a => a).Where(g => g.Count() > 1))
            p.Add($"{dup.Key} is configured in {dup.Count()} pods");
        for (var i = 0; i < count; i++)
        {
            if (!adds[i].Succeeded || !CniResult.TryParse(adds[i].Stdout, out var r) || r is null || r.Ips.Count == 0) continue;
            var has = kernel.TryGetValue(pods[i].Name, out var a) ? a : [];
            if (!has.Contains(r.Ips[0].Address)) p.Add($"pod {i} was given {r.Ips[0].Address} but has [{string.Join(", ", has)}]");
        }
        var reservations = await node.ReservationsAsync(config).ConfigureAwait(false);
        if (reservations.Count != addresses.Distinct().Count())
            p.Add($"{reservations.Count} reservations in the store for {addresses.Distinct().Count()} distinct addresses handed out");
        var links = await node.Node.LinksAsync().ConfigureAwait(false);
        var bridges = links.Where(l => l.Kind == "bridge").ToList();
        if (node.Profile.Topology != PluginProfile.TopologyBridge)
        {
            if (bridges.Count != 0) p.Add($"a {node.Profile.Topology} plugin made bridge(s): [{string.Join(", ", bridges.Select(b => b.Name))}]");
        }
        else if (bridges.Count != 1) p.Add($"expected one bridge, found [{string.Join(", ", bridges.Select(b => b.Name))}]");
        var bridge = bridges.FirstOrDefault(b => b.Name == node.Bridge);
        if (bridge is not null)
        {
            var gw = AddChecks.Gateway(subnet).ToString();
            var gwCount = bridge.Ipv4.Count(a => a.Local == gw);
            if (gwCount != 1) p.Add($"the bridge carries the gateway {gw} {gwCount} times: [{string.Join(", ", bridge.Ipv4.Select(a => a.Cidr))}]");
        }
        var ports = node.HostEnds(links).Count;
        var succeeded = adds.Count(a => a.Succeeded);
        if (ports != node.HostEndsFor(succeeded)) p.Add($"{ports} {node.HostEndsWhere} for {succeeded} successful ADDs");

        var dels = await Task.WhenAll(pods.Select(pod => node.Plugin.DelAsync(TestNode.Call(pod, config)))).ConfigureAwait(false);
        for (var i = 0; i < count; i++)
            if (!dels[i].Succeeded) p.Add($"DEL {i} failed: exit {dels[i].ExitCode} {dels[i].Stdout.Trim()} {AddChecks.Tail(dels[i].Stderr, 300)}");
        var left = await node.ReservationsAsync(config).ConfigureAwait(false);
        if (left.Count > 0) p.Add($"{left.Count} reservation(s) left after all DELs: {string.Join(", ", left.Keys.Take(10))}");
        var veths = await node.HostVethsAsync().ConfigureAwait(false);
        if (veths.Count > 0) p.Add($"{veths.Count} host veth(s) left after all DELs");
        var stats = adds.Select(a => a.Duration.TotalMilliseconds).Order().ToList();
        return Verdict.Of(check, p, $"ADD duration median {stats[stats.Count / 2]:F0} ms, max {stats[^1]:F0} ms");
    }

    /// <summary>
    /// A /29 (hosts .1–.6, gateway .1) filled up: exactly .2–.6 are handed out — never the network, gateway or
    /// broadcast address — in the subnet's prefix length.
    /// </summary>
    public static async Task<Verdict> ReservedAddressesAreNeverHandedOutAsync(TestNode node, string subnet = "10.244.1.8/29")
    {
        ArgumentNullException.ThrowIfNull(node);
        const string check = "network, gateway and broadcast addresses are never handed out";
        var net = Cidr.Parse(subnet);
        var config = node.Config(subnet: subnet);
        var p = new Findings();
        var got = new List<string>();
        var calls = new List<CniCall>();
        var usable = (int)net.HostCount - 1;
        string? beyondAddress = null;
        for (var i = 0; i < usable + 1; i++)
        {
            var pod = await node.CreatePodAsync().ConfigureAwait(false);
            var beyond = i == usable;
            var call = TestNode.Call(pod, config);
            if (beyond && node.Profile.Has(PluginProfile.ErrorCodes)) call = call.ExpectingError(CniErrorCodes.RangeExhausted);
            else if (beyond) call = call.ExpectingError();
            var add = await node.Plugin.AddAsync(call).ConfigureAwait(false);
            calls.Add(call with { ExpectedError = null });
            var address = add.Succeeded && CniResult.TryParse(add.Stdout, out var r) && r is not null && r.Ips.Count > 0 ? r.Ips[0].Address : null;
            if (beyond)
            {
                // The range is full: this ADD must be refused (code 110), whatever it would hand out.
                if (add.Succeeded) p.Add($"the ADD beyond the range's {usable} addresses succeeded with {address ?? "no address"}");
                if (add.Succeeded) beyondAddress = address;
                else if (add.Error is null) p.Add($"the ADD beyond the range's {usable} addresses failed without a CNI error: {add.Stdout.Trim()}");
                else if (node.Profile.Has(PluginProfile.ErrorCodes) && add.Error.Code != CniErrorCodes.RangeExhausted)
                    p.Add($"the ADD beyond the range's {usable} addresses failed with code {add.Error.Code}, expected 110: {add.Error.Msg}");
                continue;
            }
            if (!add.Succeeded) { p.SetUp($"ADD {i + 1} of {usable} failed: {add.Stdout.Trim()}"); continue; }
            if (address is null) p.Add($"ADD {i + 1} of {usable} printed no address: {add.Stdout.Trim()}");
            else got.Add(address);
        }
        if (got.Count != usable) p.Add($"{got.Count} addresses handed out by {usable} ADDs");
        foreach (var dup in got.GroupBy(a => a).Where(g => g.Count() > 1))
            p.Add($"{dup.Key} was handed out {dup.Count()} times");
        var gateway = AddChecks.Gateway(subnet);
        // What the refused ADD handed out all the same is judged like every other address.
        foreach (var a in beyondAddress is null ? got : got.Append(beyondAddress))
        {
            var c = Cidr.Parse(a);
            if (c.Prefix != net.Prefix) p.Add($"{a}: prefix /{c.Prefix}, the subnet is /{net.Prefix}");
            if (c.AddressValue == net.NetworkValue) p.Add($"{a} is the network address");
            if (c.AddressValue == net.BroadcastValue) p.Add($"{a} is the broadcast address");
            if (c.Address.Equals(gateway)) p.Add($"{a} is the gateway address");
            if (!net.Contains(c.Address)) p.Add($"{a} is outside {subnet}");
        }
        var expected = Enumerable.Range(2, usable).Select(k => Cidr.FromUInt32(net.NetworkValue + (uint)k) + "/" + net.Prefix).ToHashSet();
        if (!got.ToHashSet().SetEquals(expected))
            p.Add($"handed out [{string.Join(", ", got)}], expected exactly [{string.Join(", ", expected)}]");
        foreach (var call in calls)
        {
            var del = await node.Plugin.DelAsync(call).ConfigureAwait(false);
            if (!del.Succeeded) p.Add($"DEL {call.ContainerId[..8]} failed: {del.Stdout.Trim()}");
        }
        return Verdict.Of(check, p, $"handed out: {string.Join(", ", got)}");
    }

    /// <summary>
    /// A range of two addresses: the third ADD fails the CNI way ("no IP addresses available", code 110 under the
    /// project's contract) and leaves nothing behind; a DEL frees an address for the next ADD.
    /// </summary>
    public static async Task<Verdict> ExhaustionIsACniErrorAsync(TestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        const string check = "exhaustion is a CNI error and leaves nothing behind";
        var config = node.Config().RangeStart("10.244.1.5").RangeEnd("10.244.1.6");
        var p = new Findings();
        var calls = new List<CniCall>();
        for (var i = 0; i < 2; i++)
        {
            var (pod, add) = await node.AddPodAsync(config).ConfigureAwait(false);
            calls.Add(TestNode.Call(pod, config));
            if (!add.Succeeded) p.SetUp($"ADD {i + 1} of 2 failed: {add.Stdout.Trim()}");
        }
        var before = await AddChecks.StateAsync(node).ConfigureAwait(false);
        var (extra, third) = await node.AddPodAsync(config, expecting: node.Expecting(110)).ConfigureAwait(false);
        calls.Add(TestNode.Call(extra, config));
        if (third.Succeeded) p.Add("the third ADD on a two-address range succeeded: " + third.Stdout.Trim());
        else if (third.Error is null) p.Add($"exhaustion is not a CNI error on stdout (exit {third.ExitCode}): stdout '{third.Stdout.Trim()}', stderr '{AddChecks.Tail(third.Stderr, 300)}'");
        else
        {
            if (!third.Error.Msg.Contains("no IP addresses available", StringComparison.OrdinalIgnoreCase))
                p.Add($"exhaustion message does not say 'no IP addresses available': {third.Error.Msg}");
            if (node.Profile.Has(PluginProfile.ErrorCodes))
            {
                if (third.Error.Code != 110) p.Add($"exhaustion code {third.Error.Code}, the contract says 110");
                p.AddRange(CniResultSchema.ValidateError(third.Stdout, config.CniVersion).Select(s => "error JSON: " + s));
            }
        }
        var after = await AddChecks.StateAsync(node).ConfigureAwait(false);
        if (node.Profile.Has(PluginProfile.RollbackLinks) && before != after)
            p.Add($"the failed ADD left state behind:\n--- before\n{before}\n--- after\n{after}");
        var extraLink = await extra.LinkAsync("eth0").ConfigureAwait(false);
        if (node.Profile.Has(PluginProfile.RollbackLinks) && extraLink is not null) p.Add("the failed ADD left an eth0 in its pod");
        var free = await node.Plugin.DelAsync(calls[0]).ConfigureAwait(false);
        if (!free.Succeeded) p.Add("DEL failed: " + free.Stdout.Trim());
        var (_, again) = await node.AddPodAsync(config).ConfigureAwait(false);
        if (!again.Succeeded) p.Add("ADD after a DEL freed an address failed: " + again.Stdout.Trim());
        else calls.Add(TestNode.Call(node.Node.Pods[^1], config));
        foreach (var call in calls) await node.CleanUpAsync(call, p).ConfigureAwait(false);
        var left = await node.ReservationsAsync(config).ConfigureAwait(false);
        if (left.Count > 0) p.Add("reservations left after all DELs: " + string.Join(", ", left.Keys));
        return Verdict.Of(check, p);
    }

    /// <summary>STATUS (1.1.0): ready → exit 0; range exhausted → code 50; ready again after a DEL.</summary>
    public static async Task<Verdict> StatusFollowsExhaustionAsync(TestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        const string check = "STATUS reports readiness and exhaustion";
        var config = node.Config(CniVersions.V110).RangeStart("10.244.1.5").RangeEnd("10.244.1.6");
        var status = TestNode.NoContainer(config);
        var p = new Findings();
        var ready = await node.Plugin.StatusAsync(status).ConfigureAwait(false);
        if (!ready.Succeeded) p.Add($"STATUS on an empty range failed: {ready.Stdout.Trim()}");
        var calls = new List<CniCall>();
        for (var i = 0; i < 2; i++)
        {
            var (pod, add) = await node.AddPodAsync(config).ConfigureAwait(false);
            calls.Add(TestNode.Call(pod, config));
            if (!add.Succeeded) p.SetUp($"ADD {i + 1} failed: {add.Stdout.Trim()}");
        }
        var full = await node.Plugin.StatusAsync(status.ExpectingError(50)).ConfigureAwait(false);
        if (full.Succeeded) p.Add("STATUS succeeded on an exhausted range");
        else if (full.Error?.Code != 50) p.Add($"STATUS on an exhausted range: exit {full.ExitCode}, stdout {full.Stdout.Trim()} (expected code 50)");
        await node.CleanUpAsync(calls[0], p).ConfigureAwait(false);
        var again = await node.Plugin.StatusAsync(status).ConfigureAwait(false);
        if (!again.Succeeded) p.Add($"STATUS after a DEL freed an address failed: {again.Stdout.Trim()}");
        foreach (var call in calls.Skip(1)) await node.CleanUpAsync(call, p).ConfigureAwait(false);
        return Verdict.Of(check, p);
    }

    /// <summary>
    /// GC (1.1.0): reservations of attachments in <c>cni.dev/valid-attachments</c> stay, all others are released —
    /// including stale ones whose netns is long gone (a node after a reboot) — and a new ADD can use them.
    /// </summary>
    public static async Task<Verdict> GcReleasesAllButValidAsync(TestNode node, bool afterReboot)
    {
        ArgumentNullException.ThrowIfNull(node);
        var check = afterReboot ? "GC reclaims stale reservations after a reboot" : "GC keeps valid attachments and releases the rest";
        var config = node.Config(CniVersions.V110).RangeStart("10.244.1.10").RangeEnd("10.244.1.13");
        var p = new Findings();
        var added = new List<(PodNamespace Pod, CniCall Call)>();
        for (var i = 0; i < 4; i++)
        {
            var (pod, add) = await node.AddPodAsync(config).ConfigureAwait(false);
            if (!add.Succeeded) return Verdict.SetUpFailed(check, $"ADD {i + 1} failed: {add.Stdout.Trim()}");
            added.Add((pod, TestNode.Call(pod, config)));
        }
        var keep = afterReboot ? [] : added.Take(1).ToList();
        if (afterReboot)
            foreach (var (pod, _) in added) await pod.DeleteAsync().ConfigureAwait(false);
        var before = await node.ReservationsAsync(config).ConfigureAwait(false);
        var gcConfig = config.ValidAttachments(keep.Select(k => (k.Call.ContainerId, k.Call.IfName)));
        var gc = await node.Plugin.GcAsync(TestNode.NoContainer(gcConfig)).ConfigureAwait(false);
        if (!gc.Succeeded) p.Add($"GC failed: exit {gc.ExitCode} {gc.Stdout.Trim()} {AddChecks.Tail(gc.Stderr)}");
        else if (gc.Stdout.Trim().Length > 0) p.Add("GC printed something on success: " + gc.Stdout.Trim());
        var after = await node.ReservationsAsync(config).ConfigureAwait(false);
        var keptIds = keep.Select(k => k.Call.ContainerId).ToHashSet();
        foreach (var (ip, content) in before)
        {
            var owner = content.Split('\r', '\n')[0];
            var shouldStay = keptIds.Contains(owner);
            if (shouldStay && !after.ContainsKey(ip)) p.Add($"GC released {ip} of a valid attachment");
            if (!shouldStay && after.ContainsKey(ip)) p.Add($"GC kept {ip} of an attachment not in valid-attachments");
        }
        var (_, fresh) = await node.AddPodAsync(config).ConfigureAwait(false);
        if (!fresh.Succeeded) p.Add("ADD after GC failed (range still full?): " + fresh.Stdout.Trim());
        else added.Add((node.Node.Pods[^1], TestNode.Call(node.Node.Pods[^1], config)));
        foreach (var (_, call) in added) await node.CleanUpAsync(call, p).ConfigureAwait(false);
        return Verdict.Of(check, p, $"before GC: {string.Join(", ", before.Keys)}");
    }

}
