using BashCni.Harness.Cni;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

/// <summary>
/// A delegated IPAM plugin whose ADD result carries an address that is not an IPv4 CIDR (10.244.1.300/24: the shape of
/// one, an octet out of range). CNI spec, ADD: the main plugin builds its result from the IPAM plugin's; an address it
/// cannot read leaves it nothing to configure, so ADD must fail with a CNI error and take back what it acquired — the
/// delegate's reservation (the delegate's DEL) and any link — as after any failure after IPAM. The profile's config
/// with a delegated IPAM names a wrapper instead, first on CNI_PATH: the wrapper runs the real IPAM for every command and,
/// for ADD, replaces the first address of its result, so a real reservation exists that the failed ADD must release.
/// </summary>
public static class DelegateResultChecks
{
    public const string Check = "an unreadable address from the delegated IPAM fails ADD and leaves nothing behind";

    private const string WrapperType = "bad-address-ipam";

    public static async Task<Verdict> UnreadableAddressFailsAddAsync(TestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var wrapper = await WrapperIpam.InstallAsync(node, WrapperType, real => $$"""
            #!/bin/bash
            # Runs {{real}}; for ADD, the first address of its result becomes 10.244.1.300/24.
            set -euo pipefail
            if [[ "${CNI_COMMAND:-}" != ADD ]]; then exec '{{real}}' "$@"; fi
            out="$('{{real}}' "$@")"
            jq -c '.ips[0].address = "10.244.1.300/24"' <<<"$out"
            """).ConfigureAwait(false);
        if (wrapper is null) return Verdict.Fail(Check, $"profile '{node.Profile.Name}' delegates to no IPAM plugin");
        var (config, env) = wrapper;
        var pod = await node.CreatePodAsync().ConfigureAwait(false);
        var call = TestNode.Call(pod, config) with { ExtraEnv = env };
        var p = new Findings();
        var add = await node.Plugin.AddAsync(call.ExpectingError()).ConfigureAwait(false);
        if (add.Succeeded) p.Add($"ADD succeeded with an address the delegated IPAM did not give: {add.Stdout.Trim()}");
        else p.Compare("ADD's answer", "a CNI error", add.Error is { } e ? $"CNI error {e.Code}" : $"exit {add.ExitCode}, no CNI error",
            add.Error is not null, $"the failed ADD printed no CNI error on stdout: exit {add.ExitCode} {add.Stdout.Trim()}");
        var reservations = await node.ReservationsAsync(config).ConfigureAwait(false);
        p.Compare("reservations after the failed ADD", "none", reservations.Count == 0 ? "none" : string.Join(", ", reservations.Keys),
            problem: $"the failed ADD left the delegate's reservation: {string.Join(", ", reservations.Keys)}");
        if (node.Profile.Has(PluginProfile.RollbackLinks))
        {
            if (await node.HostVethsAsync().ConfigureAwait(false) is { Count: > 0 } veths)
                p.Add($"the failed ADD left host veth(s): {string.Join(", ", veths.Select(v => v.Name))}");
            if (await pod.LinkAsync("eth0").ConfigureAwait(false) is not null) p.Add("the failed ADD left eth0 in the pod");
        }
        await node.CleanUpAsync(call, p).ConfigureAwait(false);
        return Verdict.Of(Check, p, $"ADD exit {add.ExitCode}: {add.Stdout.Trim()}");
    }
}
