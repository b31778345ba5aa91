using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Derived;

/// <summary>
/// Names and MACs derived from identifiers and addresses stay distinct (<see cref="DerivedNameCase"/>): both ADDs
/// succeed, and in the kernel the two host ends have distinct names and MACs and the two pods' eth0 distinct MACs,
/// each pod's MAC being the one its result reports.
/// </summary>
public static class DerivedNameChecks
{
    public const string Check = "derived names and MACs stay distinct";

    public static async Task<Verdict> DistinctAsync(TestNode node, DerivedNameCase c)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(c);
        var p = new Findings();
        var pods = new List<(PodNamespace Pod, CniCall Call, CniResult? Result)>();
        foreach (var (id, address) in new[] { (c.IdA, c.AddressA), (c.IdB, c.AddressB) })
        {
            var config = node.Config(subnet: DerivedNameCase.Subnet).RangeStart(address).RangeEnd(address);
            var pod = await node.CreatePodAsync().ConfigureAwait(false);
            var call = TestNode.Call(pod, config) with { ContainerId = id };
            var add = await node.Plugin.AddAsync(call).ConfigureAwait(false);
            CniResult? result = null;
            // The second ADD is what the case tests (its name or MAC may collide with the first's): a finding.
            if (!add.Succeeded)
            {
                var text = $"ADD of {id[..8]}… ({address}) failed: exit {add.ExitCode} {add.Stdout.Trim()} {AddChecks.Tail(add.Stderr, 300)}";
                if (pods.Count == 0) p.SetUp(text);
                else p.Add($"{c.Name}: the second {text}");
            }
            else if (!CniResult.TryParse(add.Stdout, out result)) p.Add($"ADD of {id[..8]}… printed no result: {add.Stdout.Trim()}");
            pods.Add((pod, call, result));
        }
        var links = await node.Node.LinksAsync().ConfigureAwait(false);
        var veths = node.HostEnds(links);
        var added = pods.Count(x => x.Result is not null);
        if (veths.Count != node.HostEndsFor(added)) p.Add($"{c.Name}: {veths.Count} {node.HostEndsWhere} for {added} successful ADDs: [{string.Join(", ", veths.Select(v => v.Name))}]");
        foreach (var dup in veths.GroupBy(v => v.Mac, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            p.Add($"{c.Name}: host ends [{string.Join(", ", dup.Select(v => v.Name))}] share the MAC {dup.Key}");
        var podMacs = new List<string>();
        foreach (var (pod, call, result) in pods)
        {
            if (result is null) continue;
            var eth0 = await pod.LinkAsync(call.IfName).ConfigureAwait(false);
            if (eth0?.Mac is null) { p.Add($"{c.Name}: pod {call.ContainerId[..8]}… has no {call.IfName}"); continue; }
            podMacs.Add(eth0.Mac);
            var reported = result.Interfaces.FirstOrDefault(i => !i.IsHostSide)?.Mac;
            if (reported is not null && !string.Equals(reported, eth0.Mac, StringComparison.OrdinalIgnoreCase))
                p.Add($"{c.Name}: pod {call.ContainerId[..8]}… has MAC {eth0.Mac}, its result says {reported}");
            var host = result.Interfaces.FirstOrDefault(i => i.IsHostSide && i.Name != node.Bridge);
            if (host is not null && !veths.Any(v => v.Name == host.Name))
                p.Add($"{c.Name}: the result's host end {host.Name} of {call.ContainerId[..8]}… is not among the {node.HostEndsWhere}");
        }
        foreach (var dup in podMacs.GroupBy(m => m, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            p.Add($"{c.Name}: both pods' eth0 have the MAC {dup.Key}");
        foreach (var (_, call, _) in pods) await node.CleanUpAsync(call, p).ConfigureAwait(false);
        return Verdict.Of($"{Check} ({c.Name})", p, string.Join(", ", veths.Select(v => $"{v.Name} {v.Mac}")) + "; pods " + string.Join(", ", podMacs));
    }
}
