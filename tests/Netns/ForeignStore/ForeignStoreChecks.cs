using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.ForeignStore;

/// <summary>
/// <see cref="ForeignStoreCase"/>: the test writes the store in host-local's layout, then DEL (CNI_NETNS of a pod
/// without interfaces, as after a reboot) succeeds and afterwards exactly the case's address is gone; every other
/// reservation, <c>last_reserved_ip.0</c> and <c>lock</c> are still there with their content.
/// </summary>
public static class ForeignStoreChecks
{
    public const string Check = "DEL releases exactly its reservation in a store another writer made";

    public static async Task<Verdict> ReleaseAsync(TestNode node, ForeignStoreCase c)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(c);
        var name = $"{Check} ({c.Name})";
        var p = new Findings();
        var config = node.Config();
        var dir = node.Node.DataDir.TrimEnd('/') + "/" + config.Name;
        const string script = """
            set -euo pipefail
            dir="$1"; shift
            mkdir -p -- "$dir"
            : > "$dir/lock"
            printf '%s' "$1" > "$dir/last_reserved_ip.0"; shift
            while (( $# >= 3 )); do
                printf '%s\r\n%s' "$2" "$3" > "$dir/$1"
                chmod 0644 -- "$dir/$1"
                shift 3
            done
            """;
        List<string> args = ["-c", script, "write", dir, ForeignStoreCase.Reservations[^1].Ip];
        foreach (var (ip, id, ifName) in ForeignStoreCase.Reservations) args.AddRange([ip, id, ifName]);
        await node.Runner.RunCheckedAsync("bash", args).ConfigureAwait(false);
        var before = await node.Node.StoreAsync().ConfigureAwait(false);
        if (before.Keys.Any(k => k.Contains("/.ids", StringComparison.Ordinal)))
            return Verdict.SetUpFailed(name, "the written store has an index: " + string.Join(", ", before.Keys));
        var pod = await node.CreatePodAsync().ConfigureAwait(false);
        var call = TestNode.Call(pod, config) with { ContainerId = c.Id, IfName = c.IfName };
        var del = await node.Plugin.DelAsync(call).ConfigureAwait(false);
        if (!del.Succeeded) p.Add($"{c.Name}: DEL failed: exit {del.ExitCode} {del.Stdout.Trim()} {AddChecks.Tail(del.Stderr, 300)}");
        var after = await node.Node.StoreAsync().ConfigureAwait(false);
        foreach (var (key, content) in before)
        {
            var ip = key[(key.LastIndexOf('/') + 1)..];
            var gone = !after.TryGetValue(key, out var now);
            if (ip == c.Released)
            {
                if (!gone) p.Add($"{c.Name}: DEL of {c.Id}/{c.IfName} did not release {ip}");
            }
            else if (gone) p.Add($"{c.Name}: DEL of {c.Id}/{c.IfName} removed {key}");
            else if (now != content) p.Add($"{c.Name}: DEL of {c.Id}/{c.IfName} changed {key}: '{content.ReplaceLineEndings("\\n")}' → '{now?.ReplaceLineEndings("\\n")}'");
        }
        return Verdict.Of(name, p, "store after DEL: " + string.Join(", ", after.Keys.Where(k => !k.Contains("/.ids", StringComparison.Ordinal))));
    }
}
