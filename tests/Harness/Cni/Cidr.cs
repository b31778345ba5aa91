using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace BashCni.Harness.Cni;

/// <summary>
/// An IPv4 prefix as written in a network config ("10.244.1.0/24" or, for an assigned address, "10.244.1.7/24"),
/// with the arithmetic the tests need: network, broadcast, usable hosts, containment, enumeration.
/// Parsing is strict: four dotted decimal octets 0–255 without leading zeros, a prefix 0–32.
/// </summary>
public sealed class Cidr : IEquatable<Cidr>
{
    private Cidr(uint address, int prefix)
    {
        AddressValue = address;
        Prefix = prefix;
    }

    /// <summary>The address as written (may have host bits set, e.g. an assigned address).</summary>
    public IPAddress Address => FromUInt32(AddressValue);

    public uint AddressValue { get; }

    /// <summary>Prefix length 0–32.</summary>
    public int Prefix { get; }

    public uint MaskValue => Prefix == 0 ? 0u : uint.MaxValue << (32 - Prefix);

    public IPAddress Mask => FromUInt32(MaskValue);

    public uint NetworkValue => AddressValue & MaskValue;

    public IPAddress Network => FromUInt32(NetworkValue);

    public uint BroadcastValue => NetworkValue | ~MaskValue;

    public IPAddress Broadcast => FromUInt32(BroadcastValue);

    /// <summary>Number of addresses in the prefix (2^(32-prefix)).</summary>
    public ulong Size => 1UL << (32 - Prefix);

    /// <summary>True when the address has bits set outside the prefix ("10.244.1.5/24").</summary>
    public bool HasHostBits => AddressValue != NetworkValue;

    /// <summary>First usable host: network + 1, or the network itself for /31 and /32 (no network/broadcast there).</summary>
    public IPAddress FirstHost => FromUInt32(Prefix >= 31 ? NetworkValue : NetworkValue + 1);

    /// <summary>Last usable host: broadcast - 1, or the broadcast itself for /31 and /32.</summary>
    public IPAddress LastHost => FromUInt32(Prefix >= 31 ? BroadcastValue : BroadcastValue - 1);

    /// <summary>Number of usable hosts (size - 2, or size for /31 and /32).</summary>
    public ulong HostCount => Prefix >= 31 ? Size : Size - 2;

    /// <summary>The same prefix without host bits ("10.244.1.7/24" → "10.244.1.0/24").</summary>
    public Cidr NetworkCidr => new(NetworkValue, Prefix);

    /// <summary>The address at <paramref name="offset"/> from the network address (0 = network, 1 = first host).</summary>
    public IPAddress At(ulong offset)
    {
        if (offset >= Size) throw new ArgumentOutOfRangeException(nameof(offset), offset, $"outside {NetworkCidr}");
        return FromUInt32(NetworkValue + (uint)offset);
    }

    public bool Contains(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && (ToUInt32(address) & MaskValue) == NetworkValue;

    public bool Contains(string address) => TryParseIPv4(address, out var ip) && Contains(ip);

    /// <summary>True when every address of <paramref name="other"/> lies in this prefix.</summary>
    public bool Contains(Cidr other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.Prefix >= Prefix && (other.NetworkValue & MaskValue) == NetworkValue;
    }

    /// <summary>Every address of the prefix, network and broadcast included, in order.</summary>
    public IEnumerable<IPAddress> Enumerate()
    {
        for (ulong i = 0; i < Size; i++) yield return FromUInt32(NetworkValue + (uint)i);
    }

    /// <summary>The usable hosts (<see cref="FirstHost"/> … <see cref="LastHost"/>), in order.</summary>
    public IEnumerable<IPAddress> Hosts()
    {
        var first = ToUInt32(FirstHost);
        var last = ToUInt32(LastHost);
        for (ulong v = first; v <= last; v++) yield return FromUInt32((uint)v);
    }

    /// <summary>Parses "a.b.c.d/n" strictly; throws <see cref="FormatException"/> with the reason.</summary>
    public static Cidr Parse(string text) =>
        TryParse(text, out var cidr, out var why) ? cidr : throw new FormatException($"not an IPv4 CIDR: '{text}': {why}");

    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Cidr? cidr) =>
        TryParse(text, out cidr, out _);

    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Cidr? cidr, out string why)
    {
        cidr = null;
        if (string.IsNullOrEmpty(text)) { why = "empty"; return false; }
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) { why = "no '/prefix'"; return false; }
        if (!TryParseIPv4(text[..slash], out var ip)) { why = $"'{text[..slash]}' is not a dotted-quad IPv4 address"; return false; }
        var prefixText = text[(slash + 1)..];
        if (prefixText.Length is 0 or > 2 || !prefixText.All(char.IsAsciiDigit) || (prefixText.Length == 2 && prefixText[0] == '0'))
        { why = $"prefix '{prefixText}' is not a number 0-32"; return false; }
        var prefix = int.Parse(prefixText, CultureInfo.InvariantCulture);
        if (prefix > 32) { why = $"prefix {prefix} is larger than 32"; return false; }
        cidr = new Cidr(ToUInt32(ip), prefix);
        why = "";
        return true;
    }

    /// <summary>Strict dotted-quad IPv4 (IPAddress.TryParse alone accepts "1" or "010.1.1.1").</summary>
    public static bool TryParseIPv4(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (string.IsNullOrEmpty(text)) return false;
        var parts = text.Split('.');
        if (parts.Length != 4) return false;
        uint value = 0;
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0')) return false;
            var octet = uint.Parse(part, CultureInfo.InvariantCulture);
            if (octet > 255) return false;
            value = (value << 8) | octet;
        }
        address = FromUInt32(value);
        return true;
    }

    public static IPAddress ParseIPv4(string text) =>
        TryParseIPv4(text, out var ip) ? ip : throw new FormatException($"not a dotted-quad IPv4 address: '{text}'");

    public static uint ToUInt32(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException($"not an IPv4 address: {address}", nameof(address));
        var b = address.GetAddressBytes();
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }

    public static IPAddress FromUInt32(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);

    /// <summary>The address <paramref name="delta"/> steps after <paramref name="address"/> (wraps at 2^32).</summary>
    public static IPAddress Add(IPAddress address, long delta) => FromUInt32(unchecked((uint)(ToUInt32(address) + delta)));

    /// <summary>"address/prefix" as it was written (host bits kept).</summary>
    public override string ToString() => $"{Address}/{Prefix.ToString(CultureInfo.InvariantCulture)}";

    public bool Equals(Cidr? other) => other is not null && other.AddressValue == AddressValue && other.Prefix == Prefix;

    public override bool Equals(object? obj) => Equals(obj as Cidr);

    public override int GetHashCode() => HashCode.Combine(AddressValue, Prefix);

    public static bool operator ==(Cidr? left, Cidr? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(Cidr? left, Cidr? right) => !(left == right);
}
