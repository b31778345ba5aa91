using System.Net;
using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

/// <summary>ADD against the kernel: what the result says must be what the pod and the node look like.</summary>
public static class AddChecks
{
    /// <summary>
    /// One ADD for <paramref name="cniVersion"/> on <paramref name="subnet"/>: the result's schema and version; the pod
    /// interface in the pod's namespace with the address, MAC and a default route via the gateway; the host veth a port of
    /// the bridge; the bridge carries the gateway; the node's own eth0 untouched; the reservation in the store; the pod
    /// reaches its gateway. Leaves the pod added (the caller's node cleans up).
    /// </summary>
    public static async Task<(Verdict Verdict, PodNamespace Pod, CniExchange Add)> AddMatchesKernelAsync(TestNode node, string cniVersion,
        string subnet = TestNode.DefaultSubnet)
    {
        ArgumentNullException.ThrowIfNull(node);
        const string check = "ADD result matches the kernel";
        var config = node.Config(cniVersion, subnet);
        var (pod, add) = await node.AddPodAsync(config).ConfigureAwait(false);
        var p = new List<string>();
        if (!add.Succeeded)
            return (Verdict.Fail(check, $"ADD failed: exit {add.ExitCode}, stdout {add.Stdout.Trim()}, stderr {Tail(add.Stderr)}"), pod, add);
        p.AddRange(CniResultSchema.Validate(add.Stdout, cniVersion, requireInterfaces: true).Select(s => "schema: " + s));
        if (!CniResult.TryParse(add.Stdout, out var result) || result is null)
            return (Verdict.Of(check, p.Append("result does not parse: " + add.Stdout.Trim())), pod, add);
        if (result.CniVersion != cniVersion) p.Add($"result cniVersion {result.CniVersion}, config's {cniVersion}");
        if (result.Ips.Count == 0) return (Verdict.Of(check, p.Append("result has no ips")), pod, add);

        var net = Cidr.Parse(subnet);
        var ip = result.Ips[0];
        var addr = ip.AddressCidr;
        var gateway = Cidr.FromUInt32(net.NetworkValue + 1).ToString();
        if (addr.Prefix != net.Prefix) p.Add($"address {ip.Address} has prefix /{addr.Prefix}, subnet is /{net.Prefix}");
        if (!net.Contains(addr.Address)) p.Add($"address {ip.Address} is outside {subnet}");
        if (addr.AddressValue == net.NetworkValue || addr.AddressValue == net.BroadcastValue || addr.Address.ToString() == gateway)
            p.Add($"address {ip.Address} is the network, broadcast or gateway address");
        if (ip.Gateway != gateway) p.Add($"ips[0].gateway {ip.Gateway}, expected {gateway}");

        var podIfaces = result.Interfaces.Select((x, i) => (x, i)).Where(t => t.x.Sandbox == pod.Path).ToList();
        if (podIfaces.Count != 1 || podIfaces[0].x.Name != "eth0")
            p.Add($"expected exactly one interface eth0 with sandbox {pod.Path} in the result, got [{string.Join(", ", result.Interfaces)}]");
        else if (ip.Interface != podIfaces[0].i)
            p.Add($"ips[0].interface is {ip.Interface}, the pod interface is interfaces[{podIfaces[0].i}]");

        var podLink = await pod.LinkAsync("eth0").ConfigureAwait(false);
        if (podLink is null) p.Add($"no eth0 in the pod namespace {pod.Name}");
        else
        {
            if (!podLink.Ipv4.Any(a => a.Cidr == ip.Address)) p.Add($"pod eth0 has [{string.Join(", ", podLink.Ipv4.Select(a => a.Cidr))}], result says {ip.Address}");
            if (!podLink.IsUp) p.Add("pod eth0 is not up");
            var mac = podIfaces.Count == 1 ? podIfaces[0].x.Mac : null;
            if (mac is null || !string.Equals(mac, podLink.Mac, StringComparison.OrdinalIgnoreCase))
                p.Add($"pod eth0 MAC {podLink.Mac}, result says {mac ?? "(none)"}");
        }
        var podRoutes = await pod.RoutesAsync().ConfigureAwait(false);
        if (!podRoutes.Any(r => r.IsDefault && r.Gateway == gateway && r.Device == "eth0"))
            p.Add($"pod has no default route via {gateway} dev eth0: [{string.Join("; ", podRoutes)}]");

        var nodeLinks = await node.Node.LinksAsync().ConfigureAwait(false);
        var bridge = nodeLinks.FirstOrDefault(l => l.Name == node.Bridge);
        if (bridge is null) p.Add($"no bridge {node.Bridge} on the node");
        else
        {
            if (bridge.Kind != "bridge") p.Add($"{node.Bridge} is a {bridge.Kind}, not a bridge");
            if (!bridge.Ipv4.Any(a => a.Local == gateway && a.PrefixLength == net.Prefix))
                p.Add($"bridge {node.Bridge} does not carry {gateway}/{net.Prefix}: [{string.Join(", ", bridge.Ipv4.Select(a => a.Cidr))}]");
        }
        var veths = nodeLinks.Where(l => l.Kind == "veth" && l.Name != "eth0").ToList();
        if (veths.Count != 1) p.Add($"expected one host veth on the node, found [{string.Join(", ", veths.Select(v => v.Name))}]");
        foreach (var v in veths.Where(v => v.Master != node.Bridge)) p.Add($"host veth {v.Name} is not a port of {node.Bridge} (master {v.Master ?? "none"})");
        foreach (var hostIface in result.Interfaces.Where(x => x.IsHostSide && x.Name != node.Bridge))
        {
            var link = nodeLinks.FirstOrDefault(l => l.Name == hostIface.Name);
            if (link is null) p.Add($"result lists host interface {hostIface.Name}, the node has none");
            else if (hostIface.Mac is not null && !string.Equals(hostIface.Mac, link.Mac, StringComparison.OrdinalIgnoreCase))
                p.Add($"host interface {hostIface.Name}: MAC {link.Mac}, result says {hostIface.Mac}");
        }
        var eth0 = nodeLinks.FirstOrDefault(l => l.Name == "eth0");
        if (eth0 is null || !eth0.Ipv4.Any(a => a.Cidr == node.Node.UplinkAddress) || eth0.Master is not null)
            p.Add($"the node's own eth0 uplink was changed: {eth0?.ToString() ?? "gone"}");

        var reservations = await node.ReservationsAsync(config).ConfigureAwait(false);
        var want = $"{pod.ContainerId}\r\neth0";
        if (!reservations.TryGetValue(addr.Address.ToString(), out var content))
            p.Add($"no reservation for {addr.Address} in the store: [{string.Join(", ", reservations.Keys)}]");
        else if (content.TrimEnd('\n') != want) p.Add($"reservation of {addr.Address} holds '{Escape(content)}', expected '{Escape(want)}'");

        var ping = await pod.ExecAsync("ping", ["-c", "1", "-W", "2", gateway]).ConfigureAwait(false);
        if (!ping.Succeeded) p.Add($"pod cannot ping its gateway {gateway}: {ping.Stdout.Trim()} {ping.Stderr.Trim()}");
        return (Verdict.Of(check, p, $"ADD {cniVersion}: {ip.Address}"), pod, add);
    }

    /// <summary>A second ADD of the same container + ifname fails the CNI way and changes nothing.</summary>
    public static async Task<Verdict> RepeatedAddIsRejectedAsync(TestNode node, string cniVersion)
    {
        ArgumentNullException.ThrowIfNull(node);
        const string check = "repeated ADD is rejected without changes";
        var config = node.Config(cniVersion);
        var (pod, first) = await node.AddPodAsync(config).ConfigureAwait(false);
        if (!first.Succeeded) return Verdict.Fail(check, "first ADD failed: " + first.Stdout.Trim());
        var before = await StateAsync(node, pod).ConfigureAwait(false);
        var second = await node.Plugin.AddAsync(node.Profile.Has(PluginProfile.ErrorCodes)
            ? TestNode.Call(pod, config).ExpectingError(111)
            : TestNode.Call(pod, config).ExpectingError()).ConfigureAwait(false);
        var after = await StateAsync(node, pod).ConfigureAwait(false);
        var p = new List<string>();
        if (second.Succeeded) p.Add("the second ADD succeeded: " + second.Stdout.Trim());
        else if (second.Error is null) p.Add($"the second ADD failed without a CNI error on stdout: {second.Stdout.Trim()}");
        else if (node.Profile.Has(PluginProfile.ErrorCodes) && second.Error.Code != 111)
            p.Add($"the second ADD failed with code {second.Error.Code}, the contract says 111: {second.Error.Msg}");
        if (before != after) p.Add($"state changed:\n--- before\n{before}\n--- after\n{after}");
        var del = await node.Plugin.DelAsync(TestNode.Call(pod, config)).ConfigureAwait(false);
        if (!del.Succeeded) p.Add("DEL after the repeated ADD failed: " + del.Stdout.Trim());
        return Verdict.Of(check, p);
    }

    /// <summary>Node links + store + the pod's links, as text.</summary>
    public static async Task<string> StateAsync(TestNode node, NetworkNamespace? pod = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        var text = await node.Node.StateTextAsync().ConfigureAwait(false);
        if (pod is not null && !pod.IsDeleted)
        {
            var links = await pod.LinksAsync().ConfigureAwait(false);
            text += "\n" + string.Join("\n", links.Select(l => $"pod link {l.Name} {l.Mac} {string.Join(",", l.Addresses.Where(a => !a.IsIpv6LinkLocal).Select(a => a.Cidr))}"));
        }
        return text;
    }

    internal static string Escape(string s) => s.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    internal static string Tail(string s, int max = 1500) => s.Length <= max ? s.Trim() : "…" + s[^max..].Trim();

    internal static IPAddress Gateway(string subnet) => Cidr.FromUInt32(Cidr.Parse(subnet).NetworkValue + 1);
}
