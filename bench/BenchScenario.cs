using BashCni.Harness.Cni;

namespace BashCni.Bench;

/// <summary>An address space to measure ADD/DEL in: subnet, gateway and how many addresses are taken already.</summary>
public sealed record BenchScenario(string Key, string Title, string Subnet, int Taken)
{
    /// <summary>
    /// How many timed ADDs are followed by their DEL (null: all). The others are left in place and their pods are
    /// deleted with their namespaces at the end: a DEL in a nearly full store can take seconds (the reference reads
    /// every reservation file on DEL), and one more address does not change the fill level measurably.
    /// </summary>
    public int? DelSamples { get; init; }

    /// <summary>The pod network (lab config "network").</summary>
    public string Network => "10.244.0.0/16";

    public Cidr SubnetCidr => Cidr.Parse(Subnet);

    /// <summary>The gateway (subnet's first host) with the subnet's prefix, as cni0 holds it.</summary>
    public string GatewayCidr => $"{SubnetCidr.FirstHost}/{SubnetCidr.Prefix}";

    /// <summary>First address a sequential allocator hands out (after the gateway).</summary>
    public uint FirstAllocatable => SubnetCidr.NetworkValue + 2;

    public static BenchScenario Empty24 { get; } = new("empty-24", "empty /24", "10.244.1.0/24", 0);

    public static BenchScenario Empty16 { get; } = new("empty-16", "empty /16", "10.244.0.0/16", 0);

    public static BenchScenario Full16(int taken) => new("full-16", $"/16 with {taken} taken", "10.244.0.0/16", taken) { DelSamples = 5 };

    public static BenchScenario Full24 { get; } = new("full-24", "/24 with 250 taken", "10.244.1.0/24", 250);
}
