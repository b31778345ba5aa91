using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Faults;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

/// <summary>Races the plugin guards against, reproduced in a fixed order by gates (no timing).</summary>
public static class RaceChecks
{
    public const string BridgeCheck = "concurrent ADDs on a node without a bridge create it once";
    public const string BridgeTimeoutCheck = "an ADD whose bridge lock timed out takes the bridge another ADD made";
    public const string FailedDelCheck = "a DEL that fails waits for the ip link del it started";

    /// <summary>
    /// DEL starts deleting the pair in the background before it reads its config; when it then fails (here: an mtu
    /// out of range), it must still wait for that <c>ip</c> before it exits, never leave it running (see
    /// <see cref="FailedDelScript"/>).
    /// </summary>
    public static async Task<Verdict> FailedDelReapsItsDeleteAsync(TestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var config = node.Config();
        var dir = node.Node.StateDir + "/failed-del";
        var conf = dir + "/del.conf";
        var json = config.ToJson();
        var bad = "{\"mtu\":1," + json.TrimStart()[1..];
        await node.Runner.RunCheckedAsync("bash", ["-c", "mkdir -p \"$1\" && cat > \"$2\"", "write", dir, conf],
            new CommandOptions { Stdin = bad }).ConfigureAwait(false);
        var pod = await node.CreatePodAsync("failed-del").ConfigureAwait(false);
        var run = await node.Runner.RunCheckedAsync("bash",
            ["-c", FailedDelScript.Text, "failed-del", node.Plugin.PluginPath, conf, dir + "/g", pod.ContainerId, pod.Path],
            new CommandOptions { NetNs = node.Node.Name, Timeout = TimeSpan.FromMinutes(5) }).ConfigureAwait(false);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var p = new Findings();
        if (!lines.Contains("reached-del")) p.Add("DEL never started its ip link del");
        else if (lines.Contains("del-exited-while-its-ip-ran")) p.Add("DEL exited while the ip link del it started still ran");
        else if (!lines.Contains("del-waits-for-its-ip")) p.Add("DEL was never seen waiting for its ip link del");
        if (!lines.Contains("del-exit 1")) p.Add($"DEL with an invalid config did not fail: {lines.FirstOrDefault(l => l.StartsWith("del-exit", StringComparison.Ordinal)) ?? "no exit"}");
        var output = lines.FirstOrDefault(l => l.StartsWith("del-out", StringComparison.Ordinal)) ?? "";
        if (!output.Contains("\"code\":7", StringComparison.Ordinal)) p.Add($"DEL's error is not the invalid config's (code 7): {output}");
        return Verdict.Of(FailedDelCheck, p, string.Join("\n", lines));
    }

    /// <summary>
    /// ADD A holds the bridge's lock in the middle of creating the bridge; ADD B asks for that lock (the kernel shows
    /// it blocked in flock) before A goes on. Both ADDs must succeed with one bridge carrying the gateway, both host
    /// veths its ports, two distinct addresses set in the pods.
    /// </summary>
    /// <remarks>
    /// With <paramref name="lockTimesOut"/>, B's wait for the lock ends at once as if its timeout had passed: B sets up
    /// the bridge itself while A is held; then A, whose bridge batch now meets an existing bridge, must succeed too.
    /// </remarks>
    public static async Task<Verdict> ConcurrentBridgeCreationAsync(TestNode node, bool lockTimesOut = false)
    {
        ArgumentNullException.ThrowIfNull(node);
        var config = node.Config();
        var dir = node.Node.StateDir + "/race";
        var conf = dir + "/race.conf";
        await node.Runner.RunCheckedAsync("bash", ["-c", "mkdir -p \"$1\" && cat > \"$2\"", "write", dir, conf],
            new CommandOptions { Stdin = config.ToJson() }).ConfigureAwait(false);
        await node.Runner.RunCheckedAsync("bash", ["-c", "cat > \"$1\" && chmod +x \"$1\"", "write", dir + "/gate.sh"],
            new CommandOptions { Stdin = ProgressGateScripts.Gate }).ConfigureAwait(false);
        var a = await node.CreatePodAsync("race-a").ConfigureAwait(false);
        var b = await node.CreatePodAsync("race-b").ConfigureAwait(false);
        var run = await node.Runner.RunCheckedAsync("bash",
            ["-c", BridgeRaceScript.Text, "race", node.Plugin.PluginPath, conf, dir + "/g", a.ContainerId, a.Path, b.ContainerId, b.Path, a.CniArgs, b.CniArgs,
             lockTimesOut ? "bridge-lock-timeout" : "bridge-lock"],
            new CommandOptions { NetNs = node.Node.Name, Timeout = TimeSpan.FromMinutes(8) }).ConfigureAwait(false);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var p = new Findings();
        if (!lines.Contains("a-holds-bridge-lock")) p.Add("ADD A never reached its bridge creation (the node already had a bridge?)");
        if (lockTimesOut)
        {
            if (!lines.Contains("b-lock-timed-out")) p.Add("ADD B never asked for the bridge's lock");
        }
        else if (lines.FirstOrDefault(l => l.StartsWith("b-passed-lock-while-a-held-it", StringComparison.Ordinal)) is { } passed)
            p.Add($"ADD B went on to set up the bridge while A held the bridge's lock: {passed}");
        else if (!lines.Contains("b-blocked-on-lock")) p.Add("ADD B was never seen blocked on the bridge's lock");
        foreach (var tag in new[] { "a", "b" })
            if (!lines.Contains($"{tag}-exit 0"))
                p.Add($"ADD {tag.ToUpperInvariant()} did not succeed: {lines.FirstOrDefault(l => l.StartsWith(tag + "-exit", StringComparison.Ordinal)) ?? "no exit"}; " +
                      (lines.FirstOrDefault(l => l.StartsWith(tag + "-out", StringComparison.Ordinal)) ?? ""));
        var links = await node.Node.LinksAsync().ConfigureAwait(false);
        var bridges = links.Where(l => l.Kind == "bridge").ToList();
        if (bridges.Count != 1 || bridges[0].Name != node.Bridge) p.Add($"bridges on the node: {string.Join(", ", bridges.Select(x => x.Name))}, expected {node.Bridge} alone");
        else if (!bridges[0].Ipv4.Any(x => x.Local == "10.244.1.1")) p.Add($"{node.Bridge} does not carry the gateway 10.244.1.1");
        var ports = links.Count(l => l.Kind == "veth" && l.Name != "eth0" && l.Master == node.Bridge);
        if (ports != 2) p.Add($"{ports} host veth(s) on {node.Bridge}, expected 2");
        var addresses = new List<string>();
        foreach (var pod in new[] { a, b })
            if ((await pod.LinkAsync("eth0").ConfigureAwait(false))?.Ipv4.FirstOrDefault() is { } address) addresses.Add(address.Cidr);
        if (addresses.Distinct().Count() != 2) p.Add($"pod addresses: {string.Join(", ", addresses)}, expected two distinct ones");
        foreach (var pod in new[] { a, b }) await node.CleanUpAsync(TestNode.Call(pod, config), p).ConfigureAwait(false);
        return Verdict.Of(lockTimesOut ? BridgeTimeoutCheck : BridgeCheck, p, string.Join("\n", lines));
    }
}
