using System.Net;
using System.Text;
using BashCni.Harness.Cluster;
using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;

namespace BashCni.Harness.Reachability;

/// <summary>
/// The lab's stages as node state, applied to the lab's nodes through <see cref="ICluster.RunOnNodeAsync"/>:
/// <list type="bullet">
/// <item><c>lab</c>: the lab hosts' firewall — bridge-nf-call-iptables=1 and FORWARD policy DROP (kind nodes start
/// with ACCEPT); whatever <c>routed</c> added is taken away again, so the stages can run in any order.</item>
/// <item><c>routed</c>: FORWARD accepts from and to the pod network, a route to every other node's podCIDR via that
/// node's address, MASQUERADE of the node's podCIDR towards everything outside the pod network.</item>
/// </list>
/// The scripts are POSIX sh, idempotent (every rule is checked with <c>-C</c> before it is added or removed, routes
/// use <c>ip route replace</c>), and contain only addresses taken from the cluster's node list, validated as IPv4.
/// </summary>
public static class Stages
{
    public const string Lab = "lab";
    public const string Routed = "routed";

    public static IReadOnlyList<string> Names { get; } = [Lab, Routed];

    /// <summary>Applies the stage on the lab's three nodes (<see cref="LabNodes"/>) with the cluster's own pod network
    /// (<see cref="ICluster.PodNetwork"/>); throws naming each node where the script failed.</summary>
    public static Task<IReadOnlyList<CommandResult>> ApplyAsync(ICluster cluster, string stage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return ApplyAsync(cluster, stage, cluster.PodNetwork, cancellationToken);
    }

    public static async Task<IReadOnlyList<CommandResult>> ApplyAsync(ICluster cluster, string stage, string podNetwork,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        // Other nodes of the cluster (a fourth worker, nodes without a podCIDR of ours) run none of the lab's pods.
        var nodes = LabNodes.Of(cluster.Nodes);
        if (nodes.Count == 0)
            throw new InvalidOperationException($"the cluster has none of the lab's nodes ({string.Join(", ", LabNodes.Names)}); its nodes: " +
                string.Join(", ", cluster.Nodes.Select(n => n.Name)));
        var scripts = nodes.Select(node => (node, script: Script(stage, node, nodes, podNetwork))).ToList();
        var results = new List<CommandResult>();
        var failures = new List<string>();
        foreach (var (node, script) in scripts)
        {
            var result = await Evidence.StepAsync($"stage {stage} on node {node.Name}", async () =>
            {
                Evidence.Attach($"stage {stage} script for {node.Name}", script, "text/x-shellscript", "sh");
                var r = await cluster.RunOnNodeAsync(node.Name, script, cancellationToken).ConfigureAwait(false);
                Evidence.Attach($"stage {stage} result on {node.Name}", r.ToString());
                return r;
            }).ConfigureAwait(false);
            results.Add(result);
            if (!result.Succeeded)
                failures.Add($"node {node.Name}: exit {result.ExitCode}: {(result.Stderr.Trim() + " " + result.Stdout.Trim()).Trim()}");
        }
        if (failures.Count > 0)
            throw new InvalidOperationException($"stage '{stage}' failed on {failures.Count} node(s):\n  " + string.Join("\n  ", failures));
        return results;
    }

    /// <summary>The script that puts <paramref name="node"/> into <paramref name="stage"/>.</summary>
    /// <param name="procSys">Root of the sysctl tree the script reads and writes (/proc/sys on a node).</param>
    public static string Script(string stage, ClusterNode node, IReadOnlyList<ClusterNode> nodes, string podNetwork = "10.244.0.0/16",
        string procSys = "/proc/sys")
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(nodes);
        var network = Ipv4.Network(podNetwork, "pod network").ToString();
        var subnet = Ipv4.Network(node.PodCidr, $"podCIDR of node {node.Name}").ToString();
        if (!procSys.StartsWith('/') || procSys.Any(c => !(char.IsLetterOrDigit(c) || "/._-".Contains(c))))
            throw new ArgumentException($"procSys '{procSys}' must be an absolute path of plain characters");
        var others = nodes.Where(n => n.Name != node.Name)
            .Select(n => (name: SafeName(n.Name), cidr: Ipv4.Network(n.PodCidr, $"podCIDR of node {n.Name}").ToString(),
                address: Ipv4.Address(n.Address, $"address of node {n.Name}").ToString()))
            .ToList();
        foreach (var other in others)
            if (IPNetwork.Parse(other.cidr).Contains(IPAddress.Parse(other.address)))
                throw new ArgumentException($"node {other.name}: address {other.address} lies inside its own podCIDR {other.cidr}");

        var text = new StringBuilder();
        text.Append("set -eu\n");
        text.Append("# stage ").Append(stage).Append(" on node ").Append(SafeName(node.Name)).Append(" (podCIDR ").Append(subnet)
            .Append(", pod network ").Append(network).Append(")\n");
        var accept = (string direction) => $"FORWARD {direction} {network} -j ACCEPT";
        var masquerade = $"POSTROUTING -s {subnet} ! -d {network} -j MASQUERADE";
        switch (stage)
        {
            case Lab:
                text.Append("bridge_nf=").Append(procSys).Append("/net/bridge/bridge-nf-call-iptables\n");
                text.Append("if [ ! -e \"$bridge_nf\" ]; then\n");
                text.Append("  echo \"lab stage: $bridge_nf is missing (br_netfilter not loaded): bridged pod traffic would bypass iptables\" >&2\n");
                text.Append("  exit 3\n");
                text.Append("fi\n");
                text.Append("# bridged frames go through iptables FORWARD, as on the lab hosts\n");
                text.Append("[ \"$(cat \"$bridge_nf\")\" = 1 ] || echo 1 > \"$bridge_nf\"\n");
                text.Append("# the lab hosts' FORWARD policy (set there by Docker)\n");
                text.Append("iptables -P FORWARD DROP\n");
                text.Append("# take back what the routed stage adds\n");
                AppendRemoveRule(text, "", accept("-s"));
                AppendRemoveRule(text, "", accept("-d"));
                AppendRemoveRule(text, "-t nat ", masquerade);
                foreach (var other in others)
                {
                    text.Append("if [ -n \"$(ip route show exact ").Append(other.cidr).Append(" via ").Append(other.address).Append(")\" ]; then\n");
                    text.Append("  ip route del ").Append(other.cidr).Append(" via ").Append(other.address).Append("  # node ").Append(other.name).Append('\n');
                    text.Append("fi\n");
                }
                break;

            case Routed:
                text.Append("ip_forward=").Append(procSys).Append("/net/ipv4/ip_forward\n");
                text.Append("if [ \"$(cat \"$ip_forward\")\" != 1 ]; then\n");
                text.Append("  echo \"routed stage: IPv4 forwarding is off ($ip_forward)\" >&2\n");
                text.Append("  exit 3\n");
                text.Append("fi\n");
                text.Append("# accept pod traffic in both directions (bridged and routed)\n");
                AppendAddRule(text, "", accept("-s"));
                AppendAddRule(text, "", accept("-d"));
                text.Append("# every other node's pod subnet via that node\n");
                foreach (var other in others)
                    text.Append("ip route replace ").Append(other.cidr).Append(" via ").Append(other.address).Append("  # node ").Append(other.name).Append('\n');
                text.Append("# pods leave the pod network with the node's address, so replies find their way back\n");
                AppendAddRule(text, "-t nat ", masquerade);
                break;

            default:
                throw new ArgumentException($"unknown stage '{stage}' (stages: {string.Join(", ", Names)})", nameof(stage));
        }
        return text.ToString();
    }

    private static void AppendAddRule(StringBuilder text, string table, string rule) =>
        text.Append("iptables ").Append(table).Append("-C ").Append(rule).Append(" 2>/dev/null || iptables ").Append(table).Append("-A ").Append(rule).Append('\n');

    private static void AppendRemoveRule(StringBuilder text, string table, string rule) =>
        text.Append("while iptables ").Append(table).Append("-C ").Append(rule).Append(" 2>/dev/null; do iptables ").Append(table).Append("-D ").Append(rule).Append("; done\n");

    private static string SafeName(string name) =>
        ProbeTarget.NamePattern().IsMatch(name) ? name : throw new ArgumentException($"node name '{name}' has characters a script must not carry");
}
