namespace BashCni.Tests.Netns.Prefix;

/// <summary>
/// A subnet prefix length at an edge of what src/Plugin/README.md accepts ("IPv4 CIDR /1–/30 without host bits"):
/// the widest and the narrowest accepted, and one just outside each (refused with code 7, invalid network
/// configuration). An accepted case's range holds exactly one address, <see cref="Expected"/>: the first ADD gets it,
/// a second ADD finds the range exhausted. The /1 case is 128.0.0.0/1; the other /1, 0.0.0.0/1, is refused with code 7
/// like the cases past the ends: its gateway 0.0.0.1 lies in 0.0.0.0/8, which the kernel refuses as a next hop. The
/// addresses exist only inside the sandbox, which has no uplink.
/// </summary>
public sealed record PrefixEdgeCase(string Name, string Subnet, string? Gateway, string? Range, string? Expected)
{
    public bool Accepted => Expected is not null;

    /// <summary>The table: both ends of /1–/30 and one step past each.</summary>
    public static IReadOnlyList<PrefixEdgeCase> All { get; } =
    [
        new("/1, the widest accepted", "128.0.0.0/1", null, "128.0.0.2", "128.0.0.2"),
        new("/30, the narrowest accepted", "10.244.1.0/30", null, null, "10.244.1.2"),
        new("/0, just past the widest", "0.0.0.0/0", "10.244.1.1", "10.244.1.2", null),
        new("/31, just past the narrowest", "10.244.1.0/31", null, null, null),
        new("/1 at 0.0.0.0, whose gateway 0.0.0.1 is no next hop", "0.0.0.0/1", null, null, null),
    ];

    public override string ToString() => Name;
}
