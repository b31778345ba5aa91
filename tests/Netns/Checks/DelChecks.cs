using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

/// <summary>The DEL cases a runtime produces; each must succeed and release the address.</summary>
public enum DelCase
{
    /// <summary>DEL, then DEL again.</summary>
    Twice,
    /// <summary>DEL for a container that was never added.</summary>
    NeverAdded,
    /// <summary>The pod's netns was deleted before DEL (CNI_NETNS points to nothing).</summary>
    NetnsDeleted,
    /// <summary>DEL with CNI_NETNS empty (containerd on a later stop/remove).</summary>
    EmptyNetns,
    /// <summary>
    /// The pod's netns was deleted and the kernel removed the veth pair between DEL's look-up of the host end and its
    /// delete (it does so asynchronously): <c>ip link del</c> answers "RTNETLINK answers: No such device".
    /// </summary>
    LinkVanishes,
}

public static class DelChecks
{
    private const string StandardPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// An <c>ip</c> whose <c>link del</c> deletes the link and then fails the way the kernel answers when the link
    /// vanished between ip's look-up and its RTM_DELLINK; everything else runs the real <c>ip</c>.
    /// </summary>
    private const string VanishingIp = """
        #!/bin/bash
        real="$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v ip)"
        if [[ "${1:-} ${2:-}" == "link del" ]]; then
            "$real" "$@" >/dev/null 2>&1 || true
            echo "RTNETLINK answers: No such device" >&2
            exit 2
        fi
        exec "$real" "$@"
        """;

    public static async Task<Verdict> DelSucceedsAndReleasesAsync(TestNode node, string cniVersion, DelCase delCase)
    {
        ArgumentNullException.ThrowIfNull(node);
        var check = $"DEL ({delCase}) succeeds and releases";
        var config = node.Config(cniVersion);
        var p = new Findings();
        if (delCase == DelCase.NeverAdded)
        {
            // Another pod's reservation must survive a DEL for an unknown container.
            var (other, otherAdd) = await node.AddPodAsync(config, "other").ConfigureAwait(false);
            if (!otherAdd.Succeeded) return Verdict.SetUpFailed(check, "ADD of the other pod failed: " + otherAdd.Stdout.Trim());
            var before = await AddChecks.StateAsync(node, other).ConfigureAwait(false);
            var ghost = await node.CreatePodAsync("ghost").ConfigureAwait(false);
            var del = await node.Plugin.DelAsync(TestNode.Call(ghost, config)).ConfigureAwait(false);
            if (!del.Succeeded) p.Add($"DEL of a never-added container failed: exit {del.ExitCode} {del.Stdout.Trim()} {AddChecks.Tail(del.Stderr)}");
            var after = await AddChecks.StateAsync(node, other).ConfigureAwait(false);
            if (before != after) p.Add($"DEL of a never-added container changed state:\n--- before\n{before}\n--- after\n{after}");
            var cleanup = await node.Plugin.DelAsync(TestNode.Call(other, config)).ConfigureAwait(false);
            if (!cleanup.Succeeded) p.Add("DEL of the other pod failed: " + cleanup.Stdout.Trim());
            return Verdict.Of(check, p);
        }

        var (pod, add) = await node.AddPodAsync(config).ConfigureAwait(false);
        if (!add.Succeeded) return Verdict.SetUpFailed(check, "ADD failed: " + add.Stdout.Trim());
        var call = TestNode.Call(pod, config);
        switch (delCase)
        {
            case DelCase.Twice:
                foreach (var round in new[] { "first", "second" })
                {
                    var del = await node.Plugin.DelAsync(call).ConfigureAwait(false);
                    if (!del.Succeeded) p.Add($"{round} DEL failed: exit {del.ExitCode} {del.Stdout.Trim()} {AddChecks.Tail(del.Stderr)}");
                }
                var podEth0 = await pod.LinkAsync("eth0").ConfigureAwait(false);
                if (podEth0 is not null) p.Add("eth0 still exists in the pod after DEL");
                break;
            case DelCase.NetnsDeleted:
                await pod.DeleteAsync().ConfigureAwait(false);
                var afterGone = await node.Plugin.DelAsync(call).ConfigureAwait(false);
                if (!afterGone.Succeeded) p.Add($"DEL with the netns gone failed: exit {afterGone.ExitCode} {afterGone.Stdout.Trim()} {AddChecks.Tail(afterGone.Stderr)}");
                break;
            case DelCase.LinkVanishes:
                // A stand-in `ip` first on DEL's PATH reproduces that order: it deletes the link, then answers as the
                // kernel does when the link went away under it.
                var bin = node.Node.StateDir + "/vanish-bin";
                await node.Runner.RunCheckedAsync("bash", ["-c", "mkdir -p \"$1\" && cat > \"$1/ip\" && chmod +x \"$1/ip\"", "write", bin],
                    new CommandOptions { Stdin = VanishingIp }).ConfigureAwait(false);
                await pod.DeleteAsync().ConfigureAwait(false);
                var vanished = await node.Plugin.DelAsync(call.WithEnv("PATH", bin + ":" + StandardPath)).ConfigureAwait(false);
                if (!vanished.Succeeded) p.Add($"DEL with the link vanishing under it failed: exit {vanished.ExitCode} {vanished.Stdout.Trim()} {AddChecks.Tail(vanished.Stderr)}");
                break;
            case DelCase.EmptyNetns:
                var empty = await node.Plugin.DelAsync(call with { NetNs = null }).ConfigureAwait(false);
                if (!empty.Succeeded) p.Add($"DEL with CNI_NETNS empty failed: exit {empty.ExitCode} {empty.Stdout.Trim()} {AddChecks.Tail(empty.Stderr)}");
                // The host veth is the plugin's to remove when it knows its name; a plugin that cannot find it
                // leaves it until the runtime deletes the netns.
                if (node.Profile.IsBashCni && (await node.HostVethsAsync().ConfigureAwait(false)).Count > 0)
                    p.Add("the host veth is still on the node after DEL with CNI_NETNS empty (its name is derived from container ID + ifname)");
                await pod.DeleteAsync().ConfigureAwait(false);
                break;
        }
        var reservations = await node.ReservationsAsync(config).ConfigureAwait(false);
        p.Compare("reservations after DEL", "none", reservations.Count == 0 ? "none" : string.Join(", ", reservations.Keys),
            problem: $"address(es) still reserved: {string.Join(", ", reservations.Keys)}");
        var veths = await node.HostVethsAsync().ConfigureAwait(false);
        p.Compare("host veths after DEL", "none", veths.Count == 0 ? "none" : string.Join(", ", veths.Select(v => v.Name)),
            problem: $"host veth(s) left: {string.Join(", ", veths.Select(v => v.Name))}");
        return Verdict.Of(check, p);
    }

    /// <summary>
    /// Release matches the exact container ID + ifname: IDs that contain, or are contained in, the deleted one, and the
    /// same ID on another ifname, keep their addresses.
    /// </summary>
    public static async Task<Verdict> ReleaseIsExactAsync(TestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        const string check = "release matches the exact container ID + ifname";
        var config = node.Config();
        const string id = "abc123";
        var attachments = new (string Id, string IfName)[] { (id, "eth0"), (id + "4", "eth0"), ("0" + id, "eth0"), ("ab", "eth0"), (id, "net1") };
        var calls = new List<CniCall>();
        var p = new Findings();
        foreach (var (cid, ifname) in attachments)
        {
            var pod = await node.CreatePodAsync().ConfigureAwait(false);
            var call = new CniCall(cid, pod.Path, ifname, config) { Args = pod.CniArgs };
            var add = await node.Plugin.AddAsync(call).ConfigureAwait(false);
            if (!add.Succeeded) return Verdict.SetUpFailed(check, $"ADD {cid}/{ifname} failed: {add.Stdout.Trim()}");
            calls.Add(call);
        }
        var before = await node.ReservationsAsync(config).ConfigureAwait(false);
        var del = await node.Plugin.DelAsync(calls[0]).ConfigureAwait(false);
        if (!del.Succeeded) p.Add("DEL failed: " + del.Stdout.Trim());
        var after = await node.ReservationsAsync(config).ConfigureAwait(false);
        var owners = after.Values.Select(v => AddChecks.Escape(v.TrimEnd('\n'))).ToList();
        foreach (var (cid, ifname) in attachments.Skip(1))
            if (!owners.Contains($"{cid}\\r\\n{ifname}")) p.Add($"DEL of {id}/eth0 released {cid}/{ifname} too");
        if (owners.Contains($"{id}\\r\\neth0")) p.Add($"DEL of {id}/eth0 did not release it");
        p.Compare("reservations DEL released", "1", (before.Count - after.Count).ToString(System.Globalization.CultureInfo.InvariantCulture),
            problem: $"{before.Count} reservations before DEL, {after.Count} after (expected one fewer)");
        foreach (var call in calls.Skip(1))
        {
            var cleanup = await node.Plugin.DelAsync(call).ConfigureAwait(false);
            if (!cleanup.Succeeded) p.Add($"DEL {call.ContainerId}/{call.IfName} failed: {cleanup.Stdout.Trim()}");
        }
        return Verdict.Of(check, p, $"store before: {string.Join(", ", before.Select(kv => kv.Key + "=" + AddChecks.Escape(kv.Value)))}");
    }
}
