namespace BashCni.Tests.Netns.Derived;

/// <summary>
/// Two pods on one node whose inputs differ as little as the plugin's derivations allow: the host end's name and MAC
/// come from the container ID (and ifname), the pod's MAC from its address. Each case names the two container IDs
/// and the one address each pod is given (a range of one address in a /16 subnet).
/// </summary>
public sealed record DerivedNameCase(string Name, string IdA, string IdB, string AddressA, string AddressB)
{
    public const string Subnet = "10.244.0.0/16";

    private static readonly string Shared = new('a', 63);

    /// <summary>The table: IDs that share a long prefix or differ only at their start, addresses that differ in one octet.</summary>
    public static IReadOnlyList<DerivedNameCase> All { get; } =
    [
        new("IDs sharing their first 63 characters", Shared + "1", Shared + "2", "10.244.1.7", "10.244.1.8"),
        new("IDs differing only in their first character", "1" + Shared, "2" + Shared, "10.244.1.7", "10.244.1.8"),
        new("addresses differing only in the third octet", "b" + Shared, "c" + Shared, "10.244.1.7", "10.244.2.7"),
        new("addresses differing only in the last octet", "d" + Shared, "e" + Shared, "10.244.3.7", "10.244.3.8"),
    ];

    public override string ToString() => Name;
}
