using System.Text.RegularExpressions;
using BashCni.Harness.Cluster;
using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;

namespace BashCni.Tests.Cluster;

/// <summary>The four lab pods run and each got a valid, unique address from its node's podCIDR.</summary>
[Category("Cluster")]
public sealed partial class PodAddressTests : ClusterTest
{
    private static async Task<IReadOnlyList<(string Pod, string Node, PodState State)>> LabPodStatesAsync()
    {
        var states = new List<(string, string, PodState)>();
        foreach (var pod in ClusterSession.LabPods)
        {
            var name = pod.Metadata.Name;
            var state = await Cluster.GetPodAsync(name).ConfigureAwait(false);
            Assert.That(state, Is.Not.Null, $"pod {name} does not exist");
            states.Add((name, PodTranslator.TargetNode(pod)!, state!));
        }
        Evidence.Attach("pods", string.Join('\n', states.Select(s => $"{s.Item1,-16} node={s.Item2,-9} phase={s.Item3.Phase,-8} ip={s.Item3.Ip}")));
        return states;
    }

    [Test]
    public async Task AllFourLabPodsRunOnTheirNodes()
    {
        Assert.That(ClusterSession.LabPods.Select(p => p.Metadata.Name),
            Is.EquivalentTo(new[] { "nginx-worker-1", "bash-worker-1", "nginx-worker-2", "bash-worker-2" }));
        var states = await LabPodStatesAsync();
        Assert.Multiple(() =>
        {
            foreach (var (pod, node, state) in states)
            {
                Assert.That(state.Phase, Is.EqualTo("Running"), $"pod {pod}");
                Assert.That(state.Node, Is.EqualTo(node), $"pod {pod} runs on the node its nodeSelector names");
                Assert.That(state.Ip, Is.Not.Null.And.Not.Empty, $"pod {pod} has an IP");
            }
        });
    }

    [Test]
    public async Task EachPodIpLiesInItsNodesPodCidrAndIsAHostAddress()
    {
        var states = await LabPodStatesAsync();
        Assert.Multiple(() =>
        {
            foreach (var (pod, nodeName, state) in states)
            {
                var node = Cluster.Nodes.Single(n => n.Name == nodeName);
                var cidr = Cidr.Parse(node.PodCidr);
                Assert.That(Cidr.TryParseIPv4(state.Ip, out var ip), Is.True, $"pod {pod}: '{state.Ip}' is an IPv4 address");
                if (ip is null) continue;
                var gateway = Cidr.Add(cidr.Network, 1);
                Assert.That(cidr.Contains(ip), Is.True, $"pod {pod}: {ip} inside {nodeName}'s podCIDR {cidr}");
                Assert.That(ip, Is.Not.EqualTo(cidr.Network), $"pod {pod}: {ip} is the network address of {cidr}");
                Assert.That(ip, Is.Not.EqualTo(gateway), $"pod {pod}: {ip} is the gateway (bridge) address of {cidr}");
                Assert.That(ip, Is.Not.EqualTo(cidr.Broadcast), $"pod {pod}: {ip} is the broadcast address of {cidr}");
            }
        });
    }

    [Test]
    public async Task PodIpsAreUniqueAcrossTheCluster()
    {
        var states = await LabPodStatesAsync();
        var duplicates = states.GroupBy(s => s.State.Ip).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(s => s.Pod))}").ToList();
        Assert.That(duplicates, Is.Empty, "pod IPs handed out more than once");
    }

    [Test]
    public async Task PodIpEqualsTheAddressInsideThePod()
    {
        var states = await LabPodStatesAsync();
        var seen = new List<string>();
        foreach (var (pod, _, state) in states)
        {
            // Read from the pod's network namespace with the probe tools (the nginx image has no `ip`).
            var result = await Cluster.ExecInPodNetworkAsync(pod, ["ip", "-4", "-o", "addr", "show", "dev", "eth0"]);
            seen.Add($"{pod}: {result.Stdout.Trim()}");
            Assert.That(result.ExitCode, Is.Zero, $"reading eth0's address inside {pod}: {result}");
            var inside = Ipv4Pattern().Matches(result.Stdout).Select(m => m.Groups[1].Value).ToList();
            Assert.That(inside, Does.Contain(state.Ip), $"pod {pod}: the runtime reports {state.Ip}, eth0 inside the pod has {string.Join(", ", inside)}");
        }
        Evidence.Attach("addresses inside the pods", string.Join('\n', seen));
    }

    [Test]
    public async Task PluginLogNamesEveryPodItServed()
    {
        var missing = new List<string>();
        foreach (var group in (await LabPodStatesAsync()).GroupBy(p => p.Node))
        {
            var log = await NodeFacts.PluginLogAsync(Cluster, group.Key);
            Evidence.Attach($"plugin log of {group.Key}", log);
            foreach (var (pod, node, _) in group)
                if (!log.Contains(pod, StringComparison.Ordinal))
                    missing.Add($"{pod} (node {node}, log has {log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length} lines)");
        }
        Assert.That(missing, Is.Empty, "pods the plugin log on their node does not mention (K8S_POD_NAME from CNI_ARGS)");
    }

    [GeneratedRegex(@"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?:/\d+)?(?![\d.])")]
    private static partial Regex Ipv4Pattern();
}
