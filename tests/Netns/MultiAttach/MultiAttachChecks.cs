using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.MultiAttach;

/// <summary>How a pod gets its second attachment (as Multus makes them).</summary>
public enum SecondAttachment
{
    /// <summary>The same network again under another ifname (<c>net1</c>): one store, one bridge, two reservations.</summary>
    SameNetwork,
    /// <summary>Another network (own name, subnet 10.244.2.0/24 and bridge <c>cni1</c>) under <c>net1</c>.</summary>
    OtherNetwork,
}

/// <summary>
/// A pod with two attachments: each one is added, checked and deleted on its own; the store is keyed by container ID +
/// ifname; the pod keeps the first attachment's default route (src/Plugin/README.md: "kept as it is if the pod already
/// has a default route from another interface"); DEL of one leaves the other as it was.
/// </summary>
public static class MultiAttachChecks
{
    public const string SecondIfName = "net1";
    private const string OtherSubnet = "10.244.2.0/24";

    public static string CheckName(SecondAttachment kind) => $"two attachments ({kind}) are added, checked and deleted independently";

    public static async Task<Verdict> TwoAttachmentsAsync(TestNode node, SecondAttachment kind)
    {
        ArgumentNullException.ThrowIfNull(node);
        var check = CheckName(kind);
        var version = node.Profile.CheckVersion ?? node.Profile.NewestVersion;
        var first = node.Config(version);
        var second = kind == SecondAttachment.SameNetwork ? first : node.Config(version, OtherSubnet, "othernet").Bridge("cni1");
        var pod = await node.CreatePodAsync().ConfigureAwait(false);
        var callA = TestNode.Call(pod, first);
        var callB = TestNode.Call(pod, second, SecondIfName);
        var p = new List<string>();

        var addA = await node.Plugin.AddAsync(callA).ConfigureAwait(false);
        if (!addA.Succeeded) return Verdict.Fail(check, $"ADD failed: exit {addA.ExitCode} {addA.Stdout.Trim()} {AddChecks.Tail(addA.Stderr)}");
        var addB = await node.Plugin.AddAsync(callB).ConfigureAwait(false);
        if (!addB.Succeeded || addB.Result is not { } resB || addA.Result is not { } resA)
        {
            p.Add($"the second attachment's ADD ({SecondIfName}) failed: exit {addB.ExitCode} {addB.Stdout.Trim()} {AddChecks.Tail(addB.Stderr)}");
            await node.Plugin.DelAsync(callB).ConfigureAwait(false);
            await node.Plugin.DelAsync(callA).ConfigureAwait(false);
            return Verdict.Of(check, p);
        }
        var ipA = resA.FirstIp.Address;
        var ipB = resB.FirstIp.Address;
        if (ipA == ipB) p.Add($"both attachments got {ipA}");

        // The kernel: each ifname carries its own address; the default route is the first attachment's.
        await ExpectAddressAsync(pod, "eth0", ipA, "after both ADDs", p).ConfigureAwait(false);
        await ExpectAddressAsync(pod, SecondIfName, ipB, "after both ADDs", p).ConfigureAwait(false);
        if (node.Profile.IsBashCni) await ExpectDefaultRouteAsync(pod, "eth0", AddChecks.Gateway(TestNode.DefaultSubnet).ToString(), "after both ADDs", p).ConfigureAwait(false);
        var hostVeths = await node.HostVethsAsync().ConfigureAwait(false);
        // Two host ends, one per attachment; none for macvlan (the pod's interfaces are children of the node's eth0).
        var expectedVeths = node.HostEndsFor(2);
        if (hostVeths.Count != expectedVeths)
            p.Add($"after both ADDs the node has {hostVeths.Count} host veth(s), expected {expectedVeths}: {string.Join(", ", hostVeths.Select(l => l.Name))}");

        // The store: one reservation per container ID + ifname.
        await ExpectReservationAsync(node, first, ipA, pod.ContainerId, "eth0", "after both ADDs", p).ConfigureAwait(false);
        await ExpectReservationAsync(node, second, ipB, pod.ContainerId, SecondIfName, "after both ADDs", p).ConfigureAwait(false);

        // CHECK of each attachment with its own prevResult.
        var canCheck = node.Profile.Has(PluginProfile.Check) && CniVersions.HasCheck(version);
        if (canCheck)
        {
            await ExpectCheckPassesAsync(node, callA, addA, "eth0 after both ADDs", p).ConfigureAwait(false);
            await ExpectCheckPassesAsync(node, callB, addB, SecondIfName + " after both ADDs", p).ConfigureAwait(false);
        }

        // DEL of the second leaves the first as it was.
        var before = await AttachmentStateAsync(node, pod, first, "eth0").ConfigureAwait(false);
        var delB = await node.Plugin.DelAsync(callB).ConfigureAwait(false);
        if (!delB.Succeeded) p.Add($"DEL of {SecondIfName} failed: exit {delB.ExitCode} {delB.Stdout.Trim()}");
        var after = await AttachmentStateAsync(node, pod, first, "eth0").ConfigureAwait(false);
        if (before != after) p.Add($"DEL of {SecondIfName} changed eth0's attachment:\n--- before\n{before}\n--- after\n{after}");
        await ExpectAddressAsync(pod, "eth0", ipA, $"after DEL of {SecondIfName}", p).ConfigureAwait(false);
        if (await pod.LinkAsync(SecondIfName).ConfigureAwait(false) is not null) p.Add($"{SecondIfName} still exists in the pod after its DEL");
        var reservedB = await node.Node.ReservationsAsync(second.Name).ConfigureAwait(false);
        if (reservedB.ContainsKey(Ip(ipB))) p.Add($"{Ip(ipB)} of {SecondIfName} is still reserved after its DEL");
        await ExpectReservationAsync(node, first, ipA, pod.ContainerId, "eth0", $"after DEL of {SecondIfName}", p).ConfigureAwait(false);
        if (node.Profile.IsBashCni) await ExpectDefaultRouteAsync(pod, "eth0", AddChecks.Gateway(TestNode.DefaultSubnet).ToString(), $"after DEL of {SecondIfName}", p).ConfigureAwait(false);
        if (canCheck) await ExpectCheckPassesAsync(node, callA, addA, $"eth0 after DEL of {SecondIfName}", p).ConfigureAwait(false);

        // DEL of the first removes the rest.
        var delA = await node.Plugin.DelAsync(callA).ConfigureAwait(false);
        if (!delA.Succeeded) p.Add($"DEL of eth0 failed: exit {delA.ExitCode} {delA.Stdout.Trim()}");
        if (await pod.LinkAsync("eth0").ConfigureAwait(false) is not null) p.Add("eth0 still exists in the pod after its DEL");
        var left = (await node.Node.ReservationsAsync(first.Name).ConfigureAwait(false)).Concat(await node.Node.ReservationsAsync(second.Name).ConfigureAwait(false))
            .Where(r => r.Value.StartsWith(pod.ContainerId, StringComparison.Ordinal)).Select(r => r.Key).Distinct().ToList();
        if (left.Count > 0) p.Add($"reservations left after both DELs: {string.Join(", ", left)}");
        var veths = await node.HostVethsAsync().ConfigureAwait(false);
        if (veths.Count > 0) p.Add($"host veths left after both DELs: {string.Join(", ", veths.Select(l => l.Name))}");
        return Verdict.Of(check, p, $"eth0 {ipA}, {SecondIfName} {ipB}");
    }

    private static string Ip(string cidr) => cidr.Split('/')[0];

    private static async Task ExpectAddressAsync(PodNamespace pod, string ifName, string cidr, string when, List<string> p)
    {
        var link = await pod.LinkAsync(ifName).ConfigureAwait(false);
        if (link is null) p.Add($"{when}: {ifName} is missing in the pod");
        else if (!link.Ipv4.Any(a => a.Cidr == cidr)) p.Add($"{when}: {ifName} carries {string.Join(",", link.Ipv4.Select(a => a.Cidr))}, not {cidr}");
        else if (!link.IsUp) p.Add($"{when}: {ifName} is not up");
    }

    private static async Task ExpectDefaultRouteAsync(PodNamespace pod, string dev, string gateway, string when, List<string> p)
    {
        var defaults = (await pod.RoutesAsync().ConfigureAwait(false)).Where(r => r.IsDefault).ToList();
        if (defaults.Count != 1 || defaults[0].Device != dev || defaults[0].Gateway != gateway)
            p.Add($"{when}: the pod's default route is [{string.Join("; ", defaults.Select(r => $"via {r.Gateway} dev {r.Device}"))}], expected exactly one via {gateway} dev {dev} (the first attachment's)");
    }

    private static async Task ExpectReservationAsync(TestNode node, NetworkConfig config, string cidr, string id, string ifName, string when, List<string> p)
    {
        var ip = Ip(cidr);
        var reserved = await node.Node.ReservationsAsync(config.Name).ConfigureAwait(false);
        if (!reserved.TryGetValue(ip, out var owner)) p.Add($"{when}: {ip} ({ifName}) is not reserved in {config.Name}'s store");
        else if (owner.Trim() != $"{id}\r\n{ifName}") p.Add($"{when}: {ip} is reserved for '{AddChecks.Escape(owner)}', expected '{id}\\r\\n{ifName}'");
    }

    private static async Task ExpectCheckPassesAsync(TestNode node, CniCall call, CniExchange add, string what, List<string> p)
    {
        var check = await node.Plugin.CheckAsync(call with { Config = call.Config.PrevResult(add.Stdout) }).ConfigureAwait(false);
        if (!check.Succeeded) p.Add($"CHECK of {what} failed: exit {check.ExitCode} {check.Stdout.Trim()}");
    }

    /// <summary>One attachment as text: the pod interface, the pod's routes on it, its reservation.</summary>
    private static async Task<string> AttachmentStateAsync(TestNode node, PodNamespace pod, NetworkConfig config, string ifName)
    {
        var link = await pod.LinkAsync(ifName).ConfigureAwait(false);
        var routes = (await pod.RoutesAsync().ConfigureAwait(false)).Where(r => r.Device == ifName).Select(r => $"{r.Destination} via {r.Gateway}").Order(StringComparer.Ordinal);
        var reserved = (await node.Node.ReservationsAsync(config.Name).ConfigureAwait(false))
            .Where(r => r.Value.Trim() == $"{pod.ContainerId}\r\n{ifName}").Select(r => r.Key).Order(StringComparer.Ordinal);
        return $"link {link?.Name} {link?.Mac} up={link?.IsUp} {string.Join(",", link?.Ipv4.Select(a => a.Cidr) ?? [])}\n" +
               $"routes {string.Join("; ", routes)}\nreserved {string.Join(",", reserved)}";
    }
}
