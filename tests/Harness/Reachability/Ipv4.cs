using System.Net;
using System.Net.Sockets;

namespace BashCni.Harness.Reachability;

/// <summary>The little IPv4 arithmetic target resolution and stage scripts need (also validates what goes into scripts).</summary>
internal static class Ipv4
{
    public static IPNetwork Network(string cidr, string what)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPNetwork.TryParse(cidr, out var network) || network.BaseAddress.AddressFamily != AddressFamily.InterNetwork
            || !IPAddress.TryParse(cidr[..slash], out var given) || !given.Equals(network.BaseAddress))
            throw new ArgumentException($"{what} '{cidr}' is not an IPv4 network in CIDR form (host bits clear)");
        return network;
    }

    public static IPAddress Address(string text, string what)
    {
        if (!IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException($"{what} '{text}' is not an IPv4 address");
        return address;
    }

    /// <summary>The first host address of a network (where the plugin puts the bridge/gateway).</summary>
    public static IPAddress FirstHost(IPNetwork network)
    {
        var bytes = network.BaseAddress.GetAddressBytes();
        var value = ((uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3]) + 1;
        return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }
}
