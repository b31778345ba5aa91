using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Config;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.CniPath;

/// <summary>
/// <see cref="CniPathCase"/>: with a configuration delegating to bash-cni-ipam and CNI_PATH listing the case's
/// directories before the plugin's own, ADD succeeds; its address is in the subnet, reserved for the container in the
/// store, carried by the pod's eth0, and the log has bash-cni-ipam's line for the ADD (the delegate ran); DEL with the
/// same CNI_PATH releases it.
/// </summary>
public static class CniPathChecks
{
    public const string Check = "the delegated IPAM plugin is found in any directory of CNI_PATH";

    public static async Task<Verdict> DelegatedAsync(TestNode node, CniPathCase c)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(c);
        var p = new Findings();
        var config = new FieldForms(node, ConfigForm.Ipam).Base();
        var empty = node.Node.StateDir + "/cni-path-empty";
        await node.Runner.RunCheckedAsync("mkdir", ["-p", empty]).ConfigureAwait(false);
        var dirs = c.Before.Select(d => d switch
        {
            "missing" => node.Node.StateDir + "/cni-path-missing",
            "empty" => empty,
            _ => d,
        }).Append(node.Profile.PluginDir);
        var cniPath = string.Join(':', dirs);
        var pod = await node.CreatePodAsync().ConfigureAwait(false);
        var call = TestNode.Call(pod, config) with
        {
            ExtraEnv = new Dictionary<string, string?>(StringComparer.Ordinal) { ["CNI_PATH"] = cniPath },
        };
        var add = await node.Plugin.AddAsync(call).ConfigureAwait(false);
        var address = add.Result?.Ips.FirstOrDefault()?.Address;
        if (!add.Succeeded || address is null)
            p.Add($"{c.Name}: ADD with CNI_PATH={cniPath} failed: exit {add.ExitCode} {add.Stdout.Trim()} {AddChecks.Tail(add.Stderr, 300)}");
        else
        {
            var ip = Cidr.Parse(address).Address.ToString();
            if (!Cidr.Parse(TestNode.DefaultSubnet).Contains(ip)) p.Add($"{c.Name}: result address {address} is not in {TestNode.DefaultSubnet}");
            var held = await node.ReservationsAsync(config).ConfigureAwait(false);
            if (!held.TryGetValue(ip, out var owner) || !owner.StartsWith(pod.ContainerId, StringComparison.Ordinal))
                p.Add($"{c.Name}: the store does not hold {ip} for the container: [{string.Join(", ", held.Keys)}]");
            var eth0 = await pod.LinkAsync("eth0").ConfigureAwait(false);
            if (eth0?.Ipv4.Any(a => a.Cidr == address) != true)
                p.Add($"{c.Name}: the pod's eth0 does not carry {address}: [{string.Join(", ", eth0?.Ipv4.Select(a => a.Cidr) ?? [])}]");
            var log = await node.Runner.RunAsync("cat", [node.Node.LogFile]).ConfigureAwait(false);
            if (!log.Stdout.Split('\n').Any(l => l.Contains("bash-cni-ipam[", StringComparison.Ordinal) && l.Contains(pod.ContainerId, StringComparison.Ordinal)))
                p.Add($"{c.Name}: the log has no line of bash-cni-ipam for this ADD: {AddChecks.Tail(log.Stdout, 400)}");
        }
        await node.CleanUpAsync(call, p).ConfigureAwait(false);
        var left = await node.ReservationsAsync(config).ConfigureAwait(false);
        if (left.Count > 0) p.Add($"{c.Name}: after DEL the store still holds {string.Join(", ", left.Keys)}");
        return Verdict.Of($"{Check} ({c.Name})", p, $"CNI_PATH={cniPath}: ADD exit {add.ExitCode} {add.Stdout.Trim()}");
    }
}
