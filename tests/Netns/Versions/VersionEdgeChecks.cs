using BashCni.Harness.Cni;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Versions;

/// <summary>
/// <see cref="VersionEdgeCase"/>: beside a resident pod added with the newest version, the call is made with the
/// edge version; it must fail with a CNI error of code 1 (the project's contract; another profile: any CNI error),
/// and the store, the resident pod's eth0 and (for ADD) the target pod must be as before.
/// </summary>
public static class VersionEdgeChecks
{
    public const string Check = "a version at the edge of negotiation is refused and changes nothing";

    public static async Task<Verdict> RefusedAsync(TestNode node, VersionEdgeCase c)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(c);
        var p = new Findings();
        var config = node.Config();
        var (resident, add) = await node.AddPodAsync(config, "resident").ConfigureAwait(false);
        if (!add.Succeeded) return Verdict.SetUpFailed($"{Check} ({c.Name})", $"ADD of the resident pod failed: {add.Stdout.Trim()}");
        var edge = node.Config(c.ConfigVersion);
        var target = c.Command == CniCommand.Add ? await node.CreatePodAsync("target").ConfigureAwait(false) : resident;
        CniCall call = c.Command switch
        {
            CniCommand.Check => TestNode.Call(resident, edge.PrevResult(add.Stdout)),
            CniCommand.Gc => TestNode.NoContainer(edge.ValidAttachments([])),
            CniCommand.Status => TestNode.NoContainer(edge),
            _ => TestNode.Call(target, edge),
        };
        var before = await node.ReservationsAsync(config).ConfigureAwait(false);
        var exchange = await node.Plugin.InvokeAsync(c.Command, call.ExpectingError(1)).ConfigureAwait(false);
        if (exchange.Succeeded) p.Add($"{c.Name}: {c.Command} succeeded (exit 0): {exchange.Stdout.Trim()}");
        else if (exchange.Error is null) p.Add($"{c.Name}: {c.Command} failed without a CNI error on stdout: {exchange.Stdout.Trim()} {AddChecks.Tail(exchange.Stderr, 300)}");
        else if (node.Profile.Has(PluginProfile.ErrorCodes) && exchange.Error.Code != 1)
            p.Add($"{c.Name}: {c.Command} failed with code {exchange.Error.Code}, expected 1 (incompatible CNI versions): {exchange.Error.Msg}");
        var after = await node.ReservationsAsync(config).ConfigureAwait(false);
        var changed = before.Keys.Except(after.Keys).Select(k => "released " + k).Concat(after.Keys.Except(before.Keys).Select(k => "reserved " + k)).ToList();
        if (changed.Count > 0) p.Add($"{c.Name}: the store changed: {string.Join(", ", changed)}");
        if (await resident.LinkAsync("eth0").ConfigureAwait(false) is null) p.Add($"{c.Name}: the resident pod lost its eth0");
        if (c.Command == CniCommand.Add && await target.LinkAsync("eth0").ConfigureAwait(false) is not null)
            p.Add($"{c.Name}: the refused ADD left an eth0 in its pod");
        if (c.Command == CniCommand.Add) await node.CleanUpAsync(TestNode.Call(target, config), p).ConfigureAwait(false);
        await node.CleanUpAsync(TestNode.Call(resident, config), p).ConfigureAwait(false);
        return Verdict.Of($"{Check} ({c.Name})", p, $"{c.Command} with cniVersion {c.ConfigVersion}: exit {exchange.ExitCode} {exchange.Stdout.Trim()}");
    }
}
