using System.Text.RegularExpressions;
using BashCni.Harness.Cluster;
using BashCni.Harness.Cni;
using BashCni.Harness.Cri.V1;
using Grpc.Core;
using k8s;
using k8s.Models;

namespace BashCni.Tests.Cluster.Checks;

/// <summary>
/// The cluster layer's checks on the lab pods (fixtures/deploy.yaml) as functions of a cluster: the layer's tests run
/// them on the cluster of the run, the cluster self-test (tests/Cluster/SelfTest) on a cluster of broken plugins.
/// </summary>
public static partial class PodChecks
{
    /// <summary>The pods' states: (pod, node its nodeSelector names, state or null when it does not exist).</summary>
    public static async Task<IReadOnlyList<(string Pod, string Node, PodState? State)>> StatesAsync(ICluster cluster, IEnumerable<V1Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(pods);
        var states = new List<(string, string, PodState?)>();
        foreach (var pod in pods)
            states.Add((pod.Metadata.Name, PodTranslator.TargetNode(pod)!, await cluster.GetPodAsync(pod.Metadata.Name).ConfigureAwait(false)));
        return states;
    }

    private static string Render(IEnumerable<(string Pod, string Node, PodState? State)> states) =>
        string.Join('\n', states.Select(s => $"{s.Pod,-16} node={s.Node,-9} phase={s.State?.Phase ?? "(none)",-8} ip={s.State?.Ip}"));

    public static async Task<ClusterVerdict> PodsRunOnTheirNodesAsync(ICluster cluster, IReadOnlyList<V1Pod> pods)
    {
        const string check = "the pods run on the nodes their nodeSelector names, each with an IP";
        var states = await StatesAsync(cluster, pods).ConfigureAwait(false);
        var p = new List<string>();
        foreach (var (pod, node, state) in states)
        {
            if (state is null) { p.Add($"pod {pod} does not exist"); continue; }
            if (state.Phase != "Running") p.Add($"pod {pod} is {state.Phase}, not Running");
            if (state.Node != node) p.Add($"pod {pod} runs on {state.Node}, its nodeSelector names {node}");
            if (string.IsNullOrEmpty(state.Ip)) p.Add($"pod {pod} has no IP");
        }
        return ClusterVerdict.Of(check, p, Render(states));
    }

    public static async Task<ClusterVerdict> IpsLieInTheirNodesPodCidrAsync(ICluster cluster, IReadOnlyList<V1Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        const string check = "each pod IP lies in its node's podCIDR and is a host address";
        var states = await StatesAsync(cluster, pods).ConfigureAwait(false);
        var p = new ClusterFindings();
        foreach (var (pod, nodeName, state) in states)
        {
            if (state is null) { p.SetUp($"pod {pod} does not exist"); continue; }
            if (string.IsNullOrEmpty(state.Ip)) { p.SetUp($"pod {pod} has no IP"); continue; }
            var cidr = Cidr.Parse(cluster.Nodes.Single(n => n.Name == nodeName).PodCidr);
            if (!Cidr.TryParseIPv4(state.Ip, out var ip) || ip is null) { p.Add($"pod {pod}: '{state.Ip}' is not an IPv4 address"); continue; }
            if (!cidr.Contains(ip)) p.Add($"pod {pod}: {ip} is outside {nodeName}'s podCIDR {cidr}");
            if (ip.Equals(cidr.Network)) p.Add($"pod {pod}: {ip} is the network address of {cidr}");
            if (ip.Equals(Cidr.Add(cidr.Network, 1))) p.Add($"pod {pod}: {ip} is the gateway (bridge) address of {cidr}");
            if (ip.Equals(cidr.Broadcast)) p.Add($"pod {pod}: {ip} is the broadcast address of {cidr}");
        }
        return ClusterVerdict.Of(check, p, Render(states));
    }

    public static async Task<ClusterVerdict> IpsAreUniqueAsync(ICluster cluster, IReadOnlyList<V1Pod> pods)
    {
        const string check = "pod IPs are unique across the cluster";
        var states = await StatesAsync(cluster, pods).ConfigureAwait(false);
        var p = states.Where(s => s.State?.Ip is not null).GroupBy(s => s.State!.Ip).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key} is held by {string.Join(", ", g.Select(s => s.Pod))}").ToList();
        return ClusterVerdict.Of(check, p, Render(states));
    }

    public static async Task<ClusterVerdict> IpIsTheAddressInsideThePodAsync(ICluster cluster, IReadOnlyList<V1Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        const string check = "the runtime's pod IP is eth0's address inside the pod";
        var states = await StatesAsync(cluster, pods).ConfigureAwait(false);
        var p = new ClusterFindings();
        var seen = new List<string>();
        foreach (var (pod, _, state) in states)
        {
            if (state is null) { p.SetUp($"pod {pod} does not exist"); continue; }
            if (string.IsNullOrEmpty(state.Ip)) { p.SetUp($"pod {pod} has no IP"); continue; }
            // Read from the pod's network namespace with the probe tools (the nginx image has no `ip`).
            var result = await cluster.ExecInPodNetworkAsync(pod, ["ip", "-4", "-o", "addr", "show", "dev", "eth0"]).ConfigureAwait(false);
            seen.Add($"{pod}: {result.Stdout.Trim()}");
            if (!result.Succeeded) { p.SetUp($"reading eth0's address inside {pod} failed: {result}"); continue; }
            var inside = Ipv4Pattern().Matches(result.Stdout).Select(m => m.Groups[1].Value).ToList();
            if (!inside.Contains(state.Ip!)) p.Add($"pod {pod}: the runtime reports {state.Ip}, eth0 inside the pod has {string.Join(", ", inside)}");
        }
        return ClusterVerdict.Of(check, p, string.Join('\n', seen));
    }

    public static async Task<ClusterVerdict> PluginLogNamesEveryPodAsync(ICluster cluster, IReadOnlyList<V1Pod> pods)
    {
        const string check = "the plugin log on each node names every pod it served (K8S_POD_NAME)";
        var states = await StatesAsync(cluster, pods).ConfigureAwait(false);
        var p = new ClusterFindings();
        var logs = new List<string>();
        foreach (var group in states.GroupBy(s => s.Node))
        {
            var log = await NodeFacts.PluginLogAsync(cluster, group.Key).ConfigureAwait(false);
            logs.Add($"== plugin log of {group.Key}\n{log}");
            foreach (var (pod, node, state) in group)
                // A pod that never ran was perhaps never served: the log cannot be judged for it.
                if (state is null || string.IsNullOrEmpty(state.Ip)) p.SetUp($"pod {pod} {(state is null ? "does not exist" : "has no IP")}");
                else if (!PluginLogLines.NamesPod(log, pod))
                    p.Add($"the plugin log of {node} does not mention {pod} ({log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length} lines)");
        }
        return ClusterVerdict.Of(check, p, string.Join('\n', logs));
    }

    /// <summary>
    /// A copy of <paramref name="template"/> named <paramref name="name"/> is created, its sandbox stopped twice and
    /// removed — the runtime's repeated DELs, the later ones with the netns gone (empty CNI_NETNS): each call
    /// succeeds and the address is released.
    /// </summary>
    public static async Task<ClusterVerdict> RepeatedDeletesOfASandboxSucceedAsync(LocalCluster cluster, V1Pod template, string name)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(template);
        const string check = "repeated deletes of a sandbox do not fail";
        var pod = KubernetesYaml.Deserialize<V1Pod>(KubernetesYaml.Serialize(template));
        pod.Metadata.Name = name;
        var p = new ClusterFindings();
        PodState state;
        try
        {
            await cluster.DeployPodAsync(pod).ConfigureAwait(false);
            state = await PodWaits.RunningWithIpAsync(cluster, name).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            p.SetUp($"pod {name} did not come up to be deleted: {e.Message}");
            return ClusterVerdict.Of(check, p);
        }
        var sandboxId = cluster.SandboxIdOf(name)!;
        var cri = cluster.NodeOf(state.Node).RequireCri();
        // StopPodSandbox tears the network down (DEL with the netns); a second stop and the remove call DEL again,
        // the runtime passing an empty or vanished CNI_NETNS. A failed call is a finding of this check.
        foreach (var round in new[] { "first", "second" })
        {
            try
            {
                await cri.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = sandboxId }).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                p.Add($"{round} StopPodSandbox failed: {e.Status.Detail}");
            }
        }
        try
        {
            await cluster.DeletePodAsync(name).ConfigureAwait(false);
        }
        catch (InvalidOperationException e) when (e.InnerException is RpcException)
        {
            p.Add($"removing the sandbox failed: {e.Message}");
        }
        var store = await NodeFacts.IpamStoreAsync(cluster, state.Node).ConfigureAwait(false);
        if (store.ContainsKey(state.Ip!)) p.Add($"address {state.Ip} is still reserved");
        if (store.Values.Contains(sandboxId)) p.Add("a reservation is left for the deleted sandbox");
        return ClusterVerdict.Of(check, p, "IPAM store after the deletes:\n" +
            string.Join('\n', store.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}")));
    }

    [GeneratedRegex(@"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?:/\d+)?(?![\d.])")]
    private static partial Regex Ipv4Pattern();
}
