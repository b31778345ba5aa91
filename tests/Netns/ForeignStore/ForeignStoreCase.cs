namespace BashCni.Tests.Netns.ForeignStore;

/// <summary>
/// A store another writer made, in host-local's layout (containernetworking/plugins,
/// plugins/ipam/host-local/backend/disk: one file per address holding "&lt;id&gt;\r\n&lt;ifname&gt;",
/// <c>last_reserved_ip.0</c>, <c>lock</c>) and without bash-cni's index (<c>.ids</c>). The store holds
/// <see cref="Reservations"/>; DEL of <see cref="Id"/>/<see cref="IfName"/> must release exactly <see cref="Released"/>
/// (none: nothing) and leave every other file as it was.
/// </summary>
public sealed record ForeignStoreCase(string Name, string Id, string IfName, string? Released)
{
    public const string IdA = "0123456789abcdef0123456789abcdef";
    public const string IdB = "0123456789abcdef0123456789abcdef99";

    /// <summary>address → (container ID, ifname), as host-local would have left them.</summary>
    public static IReadOnlyList<(string Ip, string Id, string IfName)> Reservations { get; } =
    [
        ("10.244.1.5", IdA, "eth0"),
        ("10.244.1.6", IdB, "eth0"),
        ("10.244.1.7", IdA, "net1"),
    ];

    /// <summary>The table.</summary>
    public static IReadOnlyList<ForeignStoreCase> All { get; } =
    [
        new("DEL of an attachment's eth0", IdA, "eth0", "10.244.1.5"),
        new("DEL of the same ID's second ifname", IdA, "net1", "10.244.1.7"),
        new("DEL of an ID that extends another", IdB, "eth0", "10.244.1.6"),
        new("DEL of an ID the store does not know", "fedcba9876543210", "eth0", null),
    ];

    public override string ToString() => Name;
}
