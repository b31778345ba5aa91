using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Prefix;

/// <summary>
/// <see cref="PrefixEdgeCase"/>. Accepted: ADD succeeds with the case's one address, carrying the subnet's prefix
/// length, inside the subnet and neither its network, gateway nor broadcast address; the store holds it for the
/// container, the kernel shows it on the pod's eth0 and the gateway on the bridge, both with that prefix length; a
/// second ADD is refused with code 110 (the range is exhausted) and leaves nothing. Refused: ADD fails with a CNI error
/// of code 7 and leaves no reservation and no eth0.
/// </summary>
public static class PrefixEdgeChecks
{
    public const string Check = "every subnet prefix length README accepts works at both ends, one past each is refused";

    public static async Task<Verdict> EdgeAsync(TestNode node, PrefixEdgeCase c)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(c);
        var p = new Findings();
        var config = node.Config(subnet: c.Subnet);
        if (c.Gateway is not null) config = config.Gateway(c.Gateway);
        if (c.Range is not null) config = config.RangeStart(c.Range).RangeEnd(c.Range);
        var subnet = Cidr.Parse(c.Subnet);
        var pod = await node.CreatePodAsync("edge").ConfigureAwait(false);
        var call = TestNode.Call(pod, config);
        var add = await node.Plugin.AddAsync(c.Accepted ? call : call.ExpectingError(7)).ConfigureAwait(false);
        var detail = $"ADD with subnet {c.Subnet}: exit {add.ExitCode} {add.Stdout.Trim()}";
        if (c.Accepted) await AcceptedAsync(node, c, config, subnet, pod, call, add, p).ConfigureAwait(false);
        else
        {
            if (add.Succeeded) p.Add($"{c.Name}: ADD with subnet {c.Subnet} succeeded: {add.Stdout.Trim()}");
            else if (add.Error is null) p.Add($"{c.Name}: ADD failed without a CNI error on stdout: {add.Stdout.Trim()} {AddChecks.Tail(add.Stderr, 300)}");
            else if (node.Profile.Has(PluginProfile.ErrorCodes) && add.Error.Code != 7)
                p.Add($"{c.Name}: ADD failed with code {add.Error.Code}, expected 7 (invalid network configuration): {add.Error.Msg}");
            var held = await node.ReservationsAsync(config).ConfigureAwait(false);
            if (held.Count > 0) p.Add($"{c.Name}: the refused ADD left reservation(s) {string.Join(", ", held.Keys)}");
            if (await pod.LinkAsync("eth0").ConfigureAwait(false) is not null) p.Add($"{c.Name}: the refused ADD left an eth0 in its pod");
            // A refused configuration may be refused by DEL too; the clean-up DEL uses the lab's own subnet.
            call = TestNode.Call(pod, node.Config());
        }
        await node.CleanUpAsync(call, p).ConfigureAwait(false);
        if (c.Accepted)
        {
            var left = await node.ReservationsAsync(config).ConfigureAwait(false);
            if (left.Count > 0) p.Add($"{c.Name}: after DEL the store still holds {string.Join(", ", left.Keys)}");
        }
        return Verdict.Of($"{Check} ({c.Name})", p, detail);
    }

    private static async Task AcceptedAsync(TestNode node, PrefixEdgeCase c, NetworkConfig config, Cidr subnet, PodNamespace pod, CniCall call, CniExchange add, Findings p)
    {
        if (!add.Succeeded || add.Result is null)
        {
            p.Add($"{c.Name}: ADD failed: exit {add.ExitCode} {add.Stdout.Trim()} {AddChecks.Tail(add.Stderr, 300)}");
            return;
        }
        var address = add.Result.Ips.FirstOrDefault()?.Address;
        if (address is null) { p.Add($"{c.Name}: the result has no address: {add.Stdout.Trim()}"); return; }
        var got = Cidr.Parse(address);
        var gateway = c.Gateway ?? subnet.At(1).ToString();
        if (got.Prefix != subnet.Prefix) p.Add($"{c.Name}: result address {address} has prefix /{got.Prefix}, subnet is /{subnet.Prefix}");
        var ip = got.Address.ToString();
        if (!subnet.Contains(got.Address)) p.Add($"{c.Name}: result address {address} is not in {c.Subnet}");
        else if (ip == subnet.Network.ToString()) p.Add($"{c.Name}: result address {address} is the network address");
        else if (ip == subnet.Broadcast.ToString()) p.Add($"{c.Name}: result address {address} is the broadcast address");
        else if (ip == gateway) p.Add($"{c.Name}: result address {address} is the gateway");
        else if (ip != c.Expected) p.Add($"{c.Name}: result address {address}, the range's only address is {c.Expected}");
        var held = await node.ReservationsAsync(config).ConfigureAwait(false);
        if (!held.TryGetValue(ip, out var owner) || !owner.StartsWith(call.ContainerId, StringComparison.Ordinal))
            p.Add($"{c.Name}: the store does not hold {ip} for {call.ContainerId}: [{string.Join(", ", held.Select(h => $"{h.Key}={h.Value.ReplaceLineEndings("\\n")}"))}]");
        var want = $"{ip}/{subnet.Prefix}";
        var eth0 = await pod.LinkAsync(call.IfName).ConfigureAwait(false);
        if (eth0?.Ipv4.Any(a => a.Cidr == want) != true)
            p.Add($"{c.Name}: the pod's eth0 does not carry {want}: [{string.Join(", ", eth0?.Ipv4.Select(a => a.Cidr) ?? [])}]");
        var bridge = (await node.Node.LinksAsync().ConfigureAwait(false)).FirstOrDefault(l => l.Name == node.Bridge);
        if (bridge?.Ipv4.Any(a => a.Cidr == $"{gateway}/{subnet.Prefix}") != true)
            p.Add($"{c.Name}: bridge {node.Bridge} does not carry {gateway}/{subnet.Prefix}: [{string.Join(", ", bridge?.Ipv4.Select(a => a.Cidr) ?? [])}]");
        // The range holds one address: a second pod's ADD must find it exhausted (code 110) and leave nothing.
        var other = await node.CreatePodAsync("second").ConfigureAwait(false);
        var second = await node.Plugin.AddAsync(TestNode.Call(other, config).ExpectingError(110)).ConfigureAwait(false);
        if (second.Succeeded) p.Add($"{c.Name}: a second ADD on the one-address range succeeded with {second.Result?.Ips.FirstOrDefault()?.Address}");
        else if (second.Error is null) p.Add($"{c.Name}: the second ADD failed without a CNI error: {second.Stdout.Trim()}");
        else if (node.Profile.Has(PluginProfile.ErrorCodes) && second.Error.Code != 110)
            p.Add($"{c.Name}: the second ADD failed with code {second.Error.Code}, expected 110 (range exhausted): {second.Error.Msg}");
        var after = await node.ReservationsAsync(config).ConfigureAwait(false);
        var extra = after.Keys.Except(held.Keys).ToList();
        if (extra.Count > 0) p.Add($"{c.Name}: the second ADD reserved {string.Join(", ", extra)}");
        await node.CleanUpAsync(TestNode.Call(other, config), p).ConfigureAwait(false);
    }
}
