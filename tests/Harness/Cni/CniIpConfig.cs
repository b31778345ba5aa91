using System.Net;

namespace BashCni.Harness.Cni;

/// <summary>An entry of a result's <c>ips</c>. <see cref="Version"/> is present only in 0.x results.</summary>
public sealed record CniIpConfig(string? Version, string Address, string? Gateway, int? Interface)
{
    /// <summary>The address with its prefix as a <see cref="Cidr"/> (IPv4).</summary>
    public Cidr AddressCidr => Cidr.Parse(Address);

    /// <summary>The bare IPv4 address ("10.244.1.2").</summary>
    public IPAddress Ip => AddressCidr.Address;

    /// <summary>"4" or "6" from the address itself (independent of <see cref="Version"/>).</summary>
    public string Family => Address.Contains(':', StringComparison.Ordinal) ? "6" : "4";
}
