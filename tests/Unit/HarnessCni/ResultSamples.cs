using System.Text.Json.Nodes;
using BashCni.Harness.Cni;

namespace BashCni.Tests.Unit.HarnessCni;

/// <summary>Well-formed results per cniVersion, as an interface plugin with a bridge returns them.</summary>
public static class ResultSamples
{
    public static JsonObject Good(string version)
    {
        var ip = new JsonObject { ["address"] = "10.244.1.2/24", ["gateway"] = "10.244.1.1", ["interface"] = 2 };
        if (CniVersions.HasIpVersionField(version)) ip.Insert(0, "version", "4");
        return new JsonObject
        {
            ["cniVersion"] = version,
            ["interfaces"] = new JsonArray(
                new JsonObject { ["name"] = "cni0", ["mac"] = "0a:58:0a:f4:01:01" },
                new JsonObject { ["name"] = "veth1a2b3c4d", ["mac"] = "5e:33:aa:01:02:03" },
                new JsonObject { ["name"] = "eth0", ["mac"] = "0A:58:0A:F4:01:02", ["sandbox"] = "/var/run/netns/cni-1234" }),
            ["ips"] = new JsonArray(ip),
            ["routes"] = new JsonArray(new JsonObject { ["dst"] = "0.0.0.0/0", ["gw"] = "10.244.1.1" }),
            ["dns"] = new JsonObject
            {
                ["nameservers"] = new JsonArray("10.96.0.10"),
                ["domain"] = "cluster.local",
                ["search"] = new JsonArray("default.svc.cluster.local"),
                ["options"] = new JsonArray("ndots:5"),
            },
        };
    }

    /// <summary>An IPAM-only result (no interfaces), as bash-cni-ipam prints it.</summary>
    public static JsonObject Ipam(string version)
    {
        var ip = new JsonObject { ["address"] = "10.244.1.2/24", ["gateway"] = "10.244.1.1" };
        if (CniVersions.HasIpVersionField(version)) ip.Insert(0, "version", "4");
        return new JsonObject { ["cniVersion"] = version, ["ips"] = new JsonArray(ip), ["routes"] = new JsonArray(), ["dns"] = new JsonObject() };
    }
}
