using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

/// <summary>
/// The pod facet of <see cref="AddChecks.AddMatchesKernelAsync"/>: the pod's eth0 has the result's address and MAC and
/// is up, the pod has a default route via the gateway on eth0, and the pod reaches its gateway.
/// </summary>
public static class AddPodFacet
{
    /// <summary>eth0 and the default route in the pod's namespace, against what the result says.</summary>
    public static async Task CheckLinkAndRouteAsync(PodNamespace pod, AddResultFacts facts, Findings p)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(p);
        var podLink = await pod.LinkAsync("eth0").ConfigureAwait(false);
        if (podLink is null) p.Add($"no eth0 in the pod namespace {pod.Name}");
        else
        {
            var addresses = string.Join(", ", podLink.Ipv4.Select(a => a.Cidr));
            p.Compare("pod eth0 address", facts.Ip.Address, addresses.Length > 0 ? addresses : "(none)", podLink.Ipv4.Any(a => a.Cidr == facts.Ip.Address),
                $"pod eth0 has [{addresses}], result says {facts.Ip.Address}");
            p.Compare("pod eth0 state", "up", podLink.IsUp ? "up" : "down", problem: "pod eth0 is not up");
            var mac = facts.PodMac;
            p.Compare("pod eth0 MAC", mac ?? "(none in the result)", podLink.Mac ?? "(none)",
                mac is not null && string.Equals(mac, podLink.Mac, StringComparison.OrdinalIgnoreCase),
                $"pod eth0 MAC {podLink.Mac}, result says {mac ?? "(none)"}");
        }
        var podRoutes = await pod.RoutesAsync().ConfigureAwait(false);
        var defaultRoute = podRoutes.FirstOrDefault(r => r.IsDefault);
        p.Compare("pod default route", $"via {facts.Gateway} dev eth0", defaultRoute is null ? "(none)" : $"via {defaultRoute.Gateway} dev {defaultRoute.Device}",
            podRoutes.Any(r => r.IsDefault && r.Gateway == facts.Gateway && r.Device == "eth0"),
            $"pod has no default route via {facts.Gateway} dev eth0: [{string.Join("; ", podRoutes)}]");
    }

    /// <summary>One ping from the pod to its gateway.</summary>
    public static async Task CheckReachesGatewayAsync(PodNamespace pod, AddResultFacts facts, Findings p)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(p);
        var ping = await pod.ExecAsync("ping", ["-c", "1", "-W", "2", facts.Gateway]).ConfigureAwait(false);
        p.Compare($"ping from the pod to its gateway {facts.Gateway}", "a reply", ping.Succeeded ? "a reply" : $"no reply (exit {ping.ExitCode})", ping.Succeeded,
            $"pod cannot ping its gateway {facts.Gateway}: {ping.Stdout.Trim()} {ping.Stderr.Trim()}");
    }
}
