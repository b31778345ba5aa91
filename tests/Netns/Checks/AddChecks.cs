using System.Net;
using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

/// <summary>ADD against the kernel: what the result says must be what the pod and the node look like.</summary>
public static class AddChecks
{
    /// <summary>
    /// One ADD for <paramref name="cniVersion"/> on <paramref name="subnet"/>: the result's schema and version; the pod
    /// interface in the pod's namespace with the address, MAC and a default route via the gateway; the host veth a port of
    /// the bridge; the bridge carries the gateway; the node's own eth0 untouched; the reservation in the store; the pod
    /// reaches its gateway. Leaves the pod added (the caller's node cleans up). Each part is a facet of its own:
    /// <see cref="AddResultFacet"/>, <see cref="AddPodFacet"/>, <see cref="AddNodeFacet"/>, <see cref="AddStoreFacet"/>.
    /// </summary>
    public static async Task<(Verdict Verdict, PodNamespace Pod, CniExchange Add)> AddMatchesKernelAsync(TestNode node, string cniVersion,
        string subnet = TestNode.DefaultSubnet)
    {
        ArgumentNullException.ThrowIfNull(node);
        const string check = "ADD result matches the kernel";
        var config = node.Config(cniVersion, subnet);
        var (pod, add) = await node.AddPodAsync(config).ConfigureAwait(false);
        var p = new Findings();
        if (!add.Succeeded)
            return (Verdict.SetUpFailed(check, $"ADD failed: exit {add.ExitCode}, stdout {add.Stdout.Trim()}, stderr {Tail(add.Stderr)}"), pod, add);
        if (AddResultFacet.Check(add.Stdout, cniVersion, subnet, pod.Path, p) is not { } facts) return (Verdict.Of(check, p), pod, add);
        await AddPodFacet.CheckLinkAndRouteAsync(pod, facts, p).ConfigureAwait(false);
        await AddNodeFacet.CheckAsync(node, facts, p).ConfigureAwait(false);
        await AddStoreFacet.CheckAsync(node, config, pod, facts, p).ConfigureAwait(false);
        // A macvlan network's gateway is a router beyond the parent link; none exists in the sandbox (and the node cannot
        // reach its own macvlan children through the parent), so nothing answers a ping.
        var pinged = node.Profile.Topology != PluginProfile.TopologyMacvlan;
        if (pinged) await AddPodFacet.CheckReachesGatewayAsync(pod, facts, p).ConfigureAwait(false);
        return (Verdict.Of(check, p, $"ADD {cniVersion}: {facts.Ip.Address}{(pinged ? "" : "; gateway not pinged: no host carries a macvlan network's gateway in the sandbox")}"), pod, add);
    }

    /// <summary>A second ADD of the same container + ifname fails the CNI way and changes nothing.</summary>
    public static async Task<Verdict> RepeatedAddIsRejectedAsync(TestNode node, string cniVersion)
    {
        ArgumentNullException.ThrowIfNull(node);
        const string check = "repeated ADD is rejected without changes";
        var config = node.Config(cniVersion);
        var (pod, first) = await node.AddPodAsync(config).ConfigureAwait(false);
        if (!first.Succeeded) return Verdict.SetUpFailed(check, "first ADD failed: " + first.Stdout.Trim());
        var before = await StateAsync(node, pod).ConfigureAwait(false);
        var second = await node.Plugin.AddAsync(node.Profile.Has(PluginProfile.ErrorCodes)
            ? TestNode.Call(pod, config).ExpectingError(111)
            : TestNode.Call(pod, config).ExpectingError()).ConfigureAwait(false);
        var after = await StateAsync(node, pod).ConfigureAwait(false);
        var p = new Findings();
        if (second.Succeeded) p.Add("the second ADD succeeded: " + second.Stdout.Trim());
        else if (second.Error is null) p.Add($"the second ADD failed without a CNI error on stdout: {second.Stdout.Trim()}");
        else if (node.Profile.Has(PluginProfile.ErrorCodes) && second.Error.Code != 111)
            p.Add($"the second ADD failed with code {second.Error.Code}, the contract says 111: {second.Error.Msg}");
        if (before != after) p.Add($"state changed:\n--- before\n{before}\n--- after\n{after}");
        var del = await node.Plugin.DelAsync(TestNode.Call(pod, config)).ConfigureAwait(false);
        if (!del.Succeeded) p.Add("DEL after the repeated ADD failed: " + del.Stdout.Trim());
        // The values compared, for the report (the problems above keep their wording).
        var wanted = node.Profile.Has(PluginProfile.ErrorCodes) ? "CNI error 111" : "a CNI error";
        var got = second.Succeeded ? "success" : second.Error is null ? $"exit {second.ExitCode} without a CNI error" : $"CNI error {second.Error.Code}";
        p.Note("second ADD", wanted, got, !second.Succeeded && second.Error is not null && (!node.Profile.Has(PluginProfile.ErrorCodes) || second.Error.Code == 111));
        p.Note("node links, store and pod links after the second ADD", "unchanged", before == after ? "unchanged" : "changed", before == after);
        p.Note("DEL after the repeated ADD", "exit 0", $"exit {del.ExitCode}", del.Succeeded);
        return Verdict.Of(check, p);
    }

    /// <summary>Node links + store + the pod's links, as text.</summary>
    public static async Task<string> StateAsync(TestNode node, NetworkNamespace? pod = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        var text = await node.Node.StateTextAsync().ConfigureAwait(false);
        if (pod is not null && !pod.IsDeleted)
        {
            var links = await pod.LinksAsync().ConfigureAwait(false);
            text += "\n" + string.Join("\n", links.Select(l => $"pod link {l.Name} {l.Mac} {string.Join(",", l.Addresses.Where(a => !a.IsIpv6LinkLocal).Select(a => a.Cidr))}"));
        }
        return text;
    }

    internal static string Escape(string s) => s.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    internal static string Tail(string s, int max = 1500) => s.Length <= max ? s.Trim() : "…" + s[^max..].Trim();

    internal static IPAddress Gateway(string subnet) => Cidr.FromUInt32(Cidr.Parse(subnet).NetworkValue + 1);
}
