using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

/// <summary>
/// The node facet of <see cref="AddChecks.AddMatchesKernelAsync"/>: the bridge exists and carries the gateway, exactly
/// one host veth and it a port of the bridge, the host interfaces the result lists exist with their MACs, and the
/// node's own eth0 uplink is untouched. Profiles without a bridge (topology ptp, macvlan) are held to their own shape.
/// </summary>
public static class AddNodeFacet
{
    public static async Task CheckAsync(TestNode node, AddResultFacts facts, Findings p)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(p);
        var gateway = facts.Gateway;
        var nodeLinks = await node.Node.LinksAsync().ConfigureAwait(false);
        if (node.Profile.Topology != PluginProfile.TopologyBridge)
        {
            CheckWithoutBridge(node, facts, nodeLinks, p);
            return;
        }
        var bridge = nodeLinks.FirstOrDefault(l => l.Name == node.Bridge);
        if (bridge is null) p.Add($"no bridge {node.Bridge} on the node");
        else
        {
            p.Compare($"{node.Bridge} kind", "bridge", bridge.Kind, problem: $"{node.Bridge} is a {bridge.Kind}, not a bridge");
            var carried = string.Join(", ", bridge.Ipv4.Select(a => a.Cidr));
            p.Compare($"{node.Bridge} address", $"{gateway}/{facts.Subnet.Prefix}", carried.Length > 0 ? carried : "(none)",
                bridge.Ipv4.Any(a => a.Local == gateway && a.PrefixLength == facts.Subnet.Prefix),
                $"bridge {node.Bridge} does not carry {gateway}/{facts.Subnet.Prefix}: [{carried}]");
        }
        var veths = nodeLinks.Where(l => l.Kind == "veth" && l.Name != "eth0").ToList();
        p.Compare("host veths on the node", "1", veths.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            problem: $"expected one host veth on the node, found [{string.Join(", ", veths.Select(v => v.Name))}]");
        foreach (var v in veths)
            p.Compare($"host veth {v.Name} master", node.Bridge, v.Master ?? "none", problem: $"host veth {v.Name} is not a port of {node.Bridge} (master {v.Master ?? "none"})");
        foreach (var hostIface in facts.Result.Interfaces.Where(x => x.IsHostSide && x.Name != node.Bridge))
        {
            var link = nodeLinks.FirstOrDefault(l => l.Name == hostIface.Name);
            if (link is null) p.Add($"result lists host interface {hostIface.Name}, the node has none");
            else if (hostIface.Mac is not null && !string.Equals(hostIface.Mac, link.Mac, StringComparison.OrdinalIgnoreCase))
                p.Add($"host interface {hostIface.Name}: MAC {link.Mac}, result says {hostIface.Mac}");
        }
        CheckUplink(node, nodeLinks, p);
    }

    /// <summary>
    /// ptp: no bridge, exactly one host veth (no bridge port) carrying the gateway, the result's host interface with its
    /// MAC (plugins/main/ptp setupContainerVeth/setupHostVeth: the host end gets the gateway address as a /32). macvlan: no
    /// link at all on the node besides eth0 and lo (the pod's interface is a child of eth0 living in the pod).
    /// </summary>
    private static void CheckWithoutBridge(TestNode node, AddResultFacts facts, IReadOnlyList<IpLink> nodeLinks, Findings p)
    {
        var bridges = nodeLinks.Where(l => l.Kind == "bridge").ToList();
        if (bridges.Count > 0) p.Add($"a {node.Profile.Topology} plugin made bridge(s) on the node: {string.Join(", ", bridges.Select(b => b.Name))}");
        var veths = nodeLinks.Where(l => l.Kind == "veth" && l.Name != "eth0").ToList();
        if (node.Profile.Topology == PluginProfile.TopologyPtp)
        {
            if (veths.Count != 1) p.Add($"expected one host veth on the node, found [{string.Join(", ", veths.Select(v => v.Name))}]");
            foreach (var v in veths.Where(v => v.Master is not null)) p.Add($"host veth {v.Name} of a ptp pod is a port of {v.Master}");
            foreach (var v in veths.Where(v => !v.Ipv4.Any(a => a.Local == facts.Gateway)))
                p.Add($"host veth {v.Name} does not carry the gateway {facts.Gateway}: [{string.Join(", ", v.Ipv4.Select(a => a.Cidr))}]");
        }
        else
        {
            var others = nodeLinks.Where(l => l.Name is not ("eth0" or "lo")).ToList();
            if (others.Count > 0) p.Add($"a macvlan ADD left links on the node: {string.Join(", ", others.Select(l => l.Name))}");
        }
        foreach (var hostIface in facts.Result.Interfaces.Where(x => x.IsHostSide))
        {
            var link = nodeLinks.FirstOrDefault(l => l.Name == hostIface.Name);
            if (link is null) p.Add($"result lists host interface {hostIface.Name}, the node has none");
            else if (hostIface.Mac is not null && !string.Equals(hostIface.Mac, link.Mac, StringComparison.OrdinalIgnoreCase))
                p.Add($"host interface {hostIface.Name}: MAC {link.Mac}, result says {hostIface.Mac}");
        }
        CheckUplink(node, nodeLinks, p);
    }

    private static void CheckUplink(TestNode node, IReadOnlyList<IpLink> nodeLinks, Findings p)
    {
        var eth0 = nodeLinks.FirstOrDefault(l => l.Name == "eth0");
        p.Compare("the node's eth0 uplink", $"{node.Node.UplinkAddress}, no master", eth0 is null ? "gone" : $"{string.Join(", ", eth0.Ipv4.Select(a => a.Cidr))}{(eth0.Master is null ? ", no master" : ", master " + eth0.Master)}",
            eth0 is not null && eth0.Ipv4.Any(a => a.Cidr == node.Node.UplinkAddress) && eth0.Master is null,
            $"the node's own eth0 uplink was changed: {eth0?.ToString() ?? "gone"}");
    }
}
