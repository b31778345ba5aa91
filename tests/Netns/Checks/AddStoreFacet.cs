using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

/// <summary>
/// The store facet of <see cref="AddChecks.AddMatchesKernelAsync"/>: the result's address is reserved in the store, its
/// file holding the container ID and the interface name.
/// </summary>
public static class AddStoreFacet
{
    public static async Task CheckAsync(TestNode node, NetworkConfig config, PodNamespace pod, AddResultFacts facts, Findings p)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(p);
        var address = facts.Ip.AddressCidr.Address.ToString();
        var reservations = await node.ReservationsAsync(config).ConfigureAwait(false);
        if (!node.Profile.HasStore)
        {
            // An IPAM without a store (static) must not write one either.
            if (reservations.Count > 0) p.Add($"profile '{node.Profile.Name}' keeps no store, yet the dataDir holds [{string.Join(", ", reservations.Keys)}]");
            return;
        }
        var want = $"{pod.ContainerId}\r\neth0";
        if (!reservations.TryGetValue(address, out var content))
            p.Add($"no reservation for {address} in the store: [{string.Join(", ", reservations.Keys)}]");
        else
            p.Compare($"store reservation of {address}", AddChecks.Escape(want), AddChecks.Escape(content.TrimEnd('\n')),
                problem: $"reservation of {address} holds '{AddChecks.Escape(content)}', expected '{AddChecks.Escape(want)}'");
    }
}
