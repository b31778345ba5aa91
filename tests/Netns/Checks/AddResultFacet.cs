using BashCni.Harness.Cni;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

/// <summary>What an ADD's result says, checked for itself, for the facets that compare it with the kernel.</summary>
/// <param name="Result">The parsed result.</param>
/// <param name="Ip">Its first address (<c>ips[0]</c>).</param>
/// <param name="Subnet">The subnet of the config.</param>
/// <param name="Gateway">The subnet's gateway (its first address).</param>
/// <param name="PodMac">The MAC the result gives the pod interface (null when it names none, or not exactly one).</param>
public sealed record AddResultFacts(CniResult Result, CniIpConfig Ip, Cidr Subnet, string Gateway, string? PodMac);

/// <summary>
/// The result facet of <see cref="AddChecks.AddMatchesKernelAsync"/>: the result's schema and version, its first
/// address (prefix, inside the subnet, not network/broadcast/gateway, the gateway it names) and exactly one pod
/// interface eth0 that the address belongs to. Each value compared is recorded (<see cref="Findings.Compare"/>).
/// </summary>
public static class AddResultFacet
{
    /// <summary>Adds the result's problems to <paramref name="p"/>; null when the result cannot be compared further.</summary>
    public static AddResultFacts? Check(string stdout, string cniVersion, string subnet, string podPath, Findings p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var schema = CniResultSchema.Validate(stdout, cniVersion, requireInterfaces: true).Select(s => "schema: " + s).ToList();
        p.Note("result schema", $"valid {cniVersion} result", schema.Count == 0 ? $"valid {cniVersion} result" : $"{schema.Count} violation(s): {schema[0]}", schema.Count == 0);
        p.AddRange(schema);
        if (!CniResult.TryParse(stdout, out var result) || result is null)
        {
            p.Add("result does not parse: " + stdout.Trim());
            return null;
        }
        p.Compare("result cniVersion", cniVersion, result.CniVersion, problem: $"result cniVersion {result.CniVersion}, config's {cniVersion}");
        if (result.Ips.Count == 0)
        {
            p.Add("result has no ips");
            return null;
        }

        var net = Cidr.Parse(subnet);
        var ip = result.Ips[0];
        var addr = ip.AddressCidr;
        var gateway = Cidr.FromUInt32(net.NetworkValue + 1).ToString();
        p.Compare("ips[0] prefix", $"/{net.Prefix}", $"/{addr.Prefix}", problem: $"address {ip.Address} has prefix /{addr.Prefix}, subnet is /{net.Prefix}");
        p.Compare("ips[0] address", $"inside {subnet}", ip.Address, net.Contains(addr.Address), $"address {ip.Address} is outside {subnet}");
        var reserved = addr.AddressValue == net.NetworkValue || addr.AddressValue == net.BroadcastValue || addr.Address.ToString() == gateway;
        p.Compare("ips[0] address", "not the network, broadcast or gateway address", addr.Address.ToString(), !reserved,
            $"address {ip.Address} is the network, broadcast or gateway address");
        p.Compare("ips[0] gateway", gateway, ip.Gateway, problem: $"ips[0].gateway {ip.Gateway}, expected {gateway}");

        var podIfaces = result.Interfaces.Select((x, i) => (x, i)).Where(t => t.x.Sandbox == podPath).ToList();
        if (p.Compare("result interfaces in the pod", "eth0", string.Join(", ", podIfaces.Select(t => t.x.Name)),
                podIfaces.Count == 1 && podIfaces[0].x.Name == "eth0",
                $"expected exactly one interface eth0 with sandbox {podPath} in the result, got [{string.Join(", ", result.Interfaces)}]"))
            p.Compare("ips[0].interface", $"{podIfaces[0].i} (eth0)", $"{ip.Interface}{(ip.Interface == podIfaces[0].i ? " (eth0)" : "")}",
                ip.Interface == podIfaces[0].i, $"ips[0].interface is {ip.Interface}, the pod interface is interfaces[{podIfaces[0].i}]");
        return new AddResultFacts(result, ip, net, gateway, podIfaces.Count == 1 ? podIfaces[0].x.Mac : null);
    }
}
