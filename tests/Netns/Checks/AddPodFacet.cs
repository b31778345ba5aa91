using BashCni.Harness.Sandbox;

namespace BashCni.Tests.Netns.Checks;

/// <summary>
/// The pod facet of <see cref="AddChecks.AddMatchesKernelAsync"/>: the pod's eth0 has the result's address and MAC and
/// is up, the pod has a default route via the gateway on eth0, and the pod reaches its gateway.
/// </summary>
public static class AddPodFacet
{
    /// <summary>eth0 and the default route in the pod's namespace, against what the result says.</summary>
    public static async Task CheckLinkAndRouteAsync(PodNamespace pod, AddResultFacts facts, List<string> p)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(p);
        var podLink = await pod.LinkAsync("eth0").ConfigureAwait(false);
        if (podLink is null) p.Add($"no eth0 in the pod namespace {pod.Name}");
        else
        {
            if (!podLink.Ipv4.Any(a => a.Cidr == facts.Ip.Address)) p.Add($"pod eth0 has [{string.Join(", ", podLink.Ipv4.Select(a => a.Cidr))}], result says {facts.Ip.Address}");
            if (!podLink.IsUp) p.Add("pod eth0 is not up");
            var mac = facts.PodMac;
            if (mac is null || !string.Equals(mac, podLink.Mac, StringComparison.OrdinalIgnoreCase))
                p.Add($"pod eth0 MAC {podLink.Mac}, result says {mac ?? "(none)"}");
        }
        var podRoutes = await pod.RoutesAsync().ConfigureAwait(false);
        if (!podRoutes.Any(r => r.IsDefault && r.Gateway == facts.Gateway && r.Device == "eth0"))
            p.Add($"pod has no default route via {facts.Gateway} dev eth0: [{string.Join("; ", podRoutes)}]");
    }

    /// <summary>One ping from the pod to its gateway.</summary>
    public static async Task CheckReachesGatewayAsync(PodNamespace pod, AddResultFacts facts, List<string> p)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(p);
        var ping = await pod.ExecAsync("ping", ["-c", "1", "-W", "2", facts.Gateway]).ConfigureAwait(false);
        if (!ping.Succeeded) p.Add($"pod cannot ping its gateway {facts.Gateway}: {ping.Stdout.Trim()} {ping.Stderr.Trim()}");
    }
}
