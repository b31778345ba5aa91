using System.Text.Json.Nodes;
using BashCni.Harness.Cni;

namespace BashCni.Bench;

/// <summary>One plugin under measurement: how it is invoked and how its config for a scenario looks.</summary>
public sealed record Contender(string Key, string Title, CniPlugin Plugin, string PodPrefix, Func<BenchScenario, string, NetworkConfig> ConfigFor)
{
    public const string OursKey = "bash-cni";
    public const string ReferenceKey = "reference";

    /// <summary>bash-cni with the lab config (IPAM fields at the top level, built-in bash-cni-ipam).</summary>
    public static NetworkConfig OursConfig(BenchScenario scenario, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return NetworkConfig.Lab(scenario.Subnet, scenario.Network).DataDir(dataDir);
    }

    /// <summary>The reference bridge + host-local with the same bridge, subnet and default route, ipMasq off.</summary>
    public static NetworkConfig ReferenceConfig(BenchScenario scenario, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return NetworkConfig.WithIpam("host-local", scenario.Subnet, type: "bridge")
            .Bridge(BenchNode.BridgeName)
            .With("isGateway", JsonValue.Create(true))
            .With("ipMasq", JsonValue.Create(false))
            .Routes(("0.0.0.0/0", null))
            .DataDir(dataDir);
    }
}
