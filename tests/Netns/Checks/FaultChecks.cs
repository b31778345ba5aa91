using System.Globalization;
using System.Text.Json.Nodes;
using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Faults;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

public static class FaultChecks
{
    /// <summary>
    /// A failure after IPAM: a config route whose gateway is unreachable from the pod (the kernel refuses it when the
    /// pod is configured, after the address was reserved). The failed ADD must release its address by itself; with the
    /// runtime's DEL that follows, no link is left either.
    /// </summary>
    public static async Task<Verdict> FailedAddRollsBackAsync(TestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        const string check = "a failure after IPAM rolls the ADD back";
        var baseConfig = node.Config();
        var routes = baseConfig.GetIpamField("routes") is JsonArray existing ? (JsonArray)existing.DeepClone() : [];
        routes.Add(new JsonObject { ["dst"] = "10.99.0.0/16", ["gw"] = "192.0.2.77" });
        var config = baseConfig.WithIpamField("routes", routes);
        var p = new Findings();
        var (pod, add) = await node.AddPodAsync(config, expecting: ExpectedCniError.AnyCode).ConfigureAwait(false);
        if (add.Succeeded) return Verdict.Fail(check, "the injected failure did not make ADD fail (route via an unreachable gateway accepted): " + add.Stdout.Trim());
        if (add.Error is null) p.Add($"the failed ADD printed no CNI error on stdout: {add.Stdout.Trim()}");
        var reservations = await node.ReservationsAsync(config).ConfigureAwait(false);
        if (reservations.Count > 0) p.Add($"the failed ADD left its address reserved: {string.Join(", ", reservations.Keys)}");
        if (node.Profile.Has(PluginProfile.RollbackLinks))
        {
            if (await node.HostVethsAsync().ConfigureAwait(false) is { Count: > 0 } veths)
                p.Add($"the failed ADD left host veth(s): {string.Join(", ", veths.Select(v => v.Name))}");
            if (await pod.LinkAsync("eth0").ConfigureAwait(false) is not null) p.Add("the failed ADD left eth0 in the pod");
        }
        var del = await node.Plugin.DelAsync(TestNode.Call(pod, config)).ConfigureAwait(false);
        if (!del.Succeeded) p.Add($"the runtime's DEL after the failed ADD failed: {del.Stdout.Trim()}");
        if (await node.HostVethsAsync().ConfigureAwait(false) is { Count: > 0 } left)
            p.Add($"host veth(s) left after ADD failure + DEL: {string.Join(", ", left.Select(v => v.Name))}");
        if (await pod.LinkAsync("eth0").ConfigureAwait(false) is not null) p.Add("eth0 left in the pod after ADD failure + DEL");
        if ((await node.ReservationsAsync(config).ConfigureAwait(false)).Count > 0) p.Add("address reserved after ADD failure + DEL");
        return Verdict.Of(check, p, "failed ADD: " + add.Stdout.Trim());
    }

    /// <summary>
    /// Another process holds the store lock: ADD waits, then fails with code 11 after <c>lockTimeout</c> (not before it,
    /// and not much later: <see cref="LockTimeoutMargin"/>) and
    /// reserves nothing; once the lock is free, ADD works. <paramref name="withTimeout"/>: a config that sets
    /// <c>lockTimeout</c> = <paramref name="lockTimeoutSeconds"/> itself (in any form); default the node's config with it.
    /// </summary>
    public static async Task<Verdict> HeldLockEndsInCode11Async(TestNode node, int lockTimeoutSeconds = 2, NetworkConfig? withTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        const string check = "a held store lock ends in code 11 within lockTimeout";
        var config = withTimeout ?? node.Config().LockTimeout(lockTimeoutSeconds);
        var storeDir = $"{node.Node.DataDir}/{config.Name}";
        await node.Runner.RunCheckedAsync("mkdir", ["-p", storeDir]).ConfigureAwait(false);
        int? pid = await StartLockHolderAsync(node, storeDir + "/lock").ConfigureAwait(false);
        var p = new Findings();
        try
        {
            var (pod, add) = await node.AddPodAsync(config, expecting: new ExpectedCniError([11])).ConfigureAwait(false);
            var seconds = add.Duration.TotalSeconds;
            if (add.Succeeded) p.Add("ADD succeeded while another process held the store lock");
            else if (add.Error is null) p.Add($"ADD failed without a CNI error: {add.Stdout.Trim()}");
            else if (add.Error.Code != 11) p.Add($"ADD failed with code {add.Error.Code}, expected 11: {add.Error.Msg}");
            if (seconds < lockTimeoutSeconds - 0.2) p.Add($"ADD gave up after {seconds:F1} s, before lockTimeout {lockTimeoutSeconds} s");
            if (seconds > lockTimeoutSeconds + LockTimeoutMargin.TotalSeconds)
                p.Add($"ADD took {seconds:F1} s: it did not give up after lockTimeout {lockTimeoutSeconds} s (+ {LockTimeoutMargin.TotalSeconds:F0} s for starting processes on a loaded machine)");
            if ((await node.ReservationsAsync(config).ConfigureAwait(false)).Count > 0) p.Add("an address was reserved without the lock");
            if (await node.HostVethsAsync().ConfigureAwait(false) is { Count: > 0 } veths) p.Add($"host veth(s) left: {string.Join(", ", veths.Select(v => v.Name))}");
            await StopAsync(node, pid.Value).ConfigureAwait(false);
            pid = null;
            var retry = await node.Plugin.AddAsync(TestNode.Call(pod, config)).ConfigureAwait(false);
            if (!retry.Succeeded) p.Add($"ADD after the lock was released failed: {retry.Stdout.Trim()}");
            var del = await node.Plugin.DelAsync(TestNode.Call(pod, config)).ConfigureAwait(false);
            if (!del.Succeeded) p.Add("DEL failed: " + del.Stdout.Trim());
            return Verdict.Of(check, p, $"ADD under a held lock took {seconds:F1} s");
        }
        finally
        {
            if (pid is not null) await StopAsync(node, pid.Value).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// How much longer than <c>lockTimeout</c> an ADD that waits for a held lock may take: the bound is the configured
    /// timeout; the margin only absorbs process start-up on a loaded machine (an ADD takes well under a second even
    /// then), and stays below the default 10 s minus the 1–2 s the tests configure, so a plugin that ignores the
    /// configured value and waits the default is caught.
    /// </summary>
    public static readonly TimeSpan LockTimeoutMargin = TimeSpan.FromSeconds(7);

    /// <summary>
    /// Starts a process that holds the lock on <paramref name="lockFile"/> (in the sandbox, output redirected) and returns
    /// its PID once it holds the lock: it says so through a FIFO, which the starter reads (no polling, no sleep). It holds
    /// the lock until it is killed (<see cref="StopAsync"/>; the node's disposal kills what is left), never for a time.
    /// </summary>
    private static async Task<int> StartLockHolderAsync(TestNode node, string lockFile)
    {
        var r = await node.Runner.RunCheckedAsync("bash", ["-c", """
            set -euo pipefail
            ready="$1.ready"
            rm -f "$ready"; mkfifo "$ready"
            ( exec 9>>"$1"; flock 9; echo locked >"$ready"; exec sleep infinity ) </dev/null >/dev/null 2>&1 &
            pid=$!
            IFS= read -r _ <"$ready"
            rm -f "$ready"
            echo "$pid"
            """, "hold", lockFile], new CommandOptions { Timeout = TimeSpan.FromSeconds(60) }).ConfigureAwait(false);
        return int.Parse(r.Stdout.Trim(), CultureInfo.InvariantCulture);
    }

    private static async Task StopAsync(TestNode node, int pid) =>
        await node.Runner.RunAsync("kill", ["-9", pid.ToString(CultureInfo.InvariantCulture)]).ConfigureAwait(false);

    /// <summary>A data dir no one can write to: ADD fails with code 5 and leaves no link behind.</summary>
    public static async Task<Verdict> UnwritableDataDirIsCode5Async(TestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        const string check = "an unwritable dataDir is code 5";
        var dir = await node.Node.ReadOnlyDirAsync("readonly").ConfigureAwait(false);
        var config = node.Config().DataDir(dir);
        var (pod, add) = await node.AddPodAsync(config, expecting: new ExpectedCniError([5])).ConfigureAwait(false);
        var p = new Findings();
        if (add.Succeeded) p.Add("ADD succeeded with a read-only dataDir");
        else if (add.Error is null) p.Add($"ADD failed without a CNI error: {add.Stdout.Trim()}");
        else if (add.Error.Code != 5) p.Add($"ADD failed with code {add.Error.Code}, expected 5 (I/O): {add.Error.Msg}");
        if (await node.HostVethsAsync().ConfigureAwait(false) is { Count: > 0 } veths) p.Add($"host veth(s) left: {string.Join(", ", veths.Select(v => v.Name))}");
        if (await pod.LinkAsync("eth0").ConfigureAwait(false) is not null) p.Add("eth0 left in the pod");
        var del = await node.Plugin.DelAsync(TestNode.Call(pod, config)).ConfigureAwait(false);
        if (!del.Succeeded && del.Error is null) p.Add("DEL with a read-only dataDir failed without a CNI error: " + del.Stdout.Trim());
        // Either outcome is allowed here: a DEL that cannot write its store may answer with a CNI error.
        else if (!del.Succeeded) del.ExpectError();
        return Verdict.Of(check, p);
    }

    /// <summary>The one address the kill trials' range holds (rangeStart = rangeEnd): its reservation file is known in advance.</summary>
    public const string KillTrialAddress = "10.244.1.9";

    /// <summary>
    /// One trial per entry of <paramref name="points"/>: ADD killed with SIGKILL at that point of its progress
    /// (<see cref="KillPoint"/>), the state right after the kill must show the point was hit, then the runtime's DEL
    /// starts at once — while a held process of the killed ADD still runs, DEL must wait for it — and must leave
    /// nothing: DEL succeeds, no address stays reserved, no veth on the node, no eth0 in the pod; afterwards a fresh ADD
    /// goes through (no lock left held). <paramref name="hits"/> counts the trials that hit each point.
    /// </summary>
    public static async Task<Verdict> KilledAddIsCleanedByDelAsync(TestNode node, IReadOnlyList<KillPoint> points,
        IDictionary<string, int> hits)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(hits);
        const string check = "SIGKILL at each point of an ADD's progress, then DEL, leaves nothing";
        var config = node.Config().RangeStart(KillTrialAddress).RangeEnd(KillTrialAddress).LockTimeout(10);
        var dir = node.Node.StateDir + "/kill";
        var conf = dir + "/kill.conf";
        var store = $"{node.Node.DataDir}/{config.Name}";
        await node.Runner.RunCheckedAsync("bash", ["-c", "mkdir -p \"$1\" && cat > \"$2\"", "write", dir, conf],
            new CommandOptions { Stdin = config.ToJson() }).ConfigureAwait(false);
        await node.Runner.RunCheckedAsync("bash", ["-c", "cat > \"$1\" && chmod +x \"$1\"", "write", dir + "/gate.sh"],
            new CommandOptions { Stdin = ProgressGateScripts.Gate }).ConfigureAwait(false);
        // The store, its .ids and the bridge exist before the first trial, as on a node that has run pods.
        var (probe, probeAdd) = await node.AddPodAsync(config, "probe").ConfigureAwait(false);
        probeAdd.EnsureSuccess();
        (await node.Plugin.DelAsync(TestNode.Call(probe, config)).ConfigureAwait(false)).EnsureSuccess();
        await probe.DeleteAsync().ConfigureAwait(false);
        var p = new Findings();
        var lines = new List<string>();
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            var pod = await node.CreatePodAsync("kill").ConfigureAwait(false);
            var gate = $"{dir}/t{i}";
            var file = point.File switch
            {
                ProgressFile.Mark => $"{store}/.ids/.lock-{pod.ContainerId}:eth0",
                ProgressFile.Reservation => $"{store}/{KillTrialAddress}",
                ProgressFile.Index => $"{store}/.ids/{pod.ContainerId}:eth0",
                ProgressFile.Synced => $"{store}/.ids/.synced",
                ProgressFile.Result => gate + "/add.out",
                _ => "",
            };
            var run = await node.Runner.RunCheckedAsync("bash",
                ["-c", ProgressGateScripts.Trial, "trial", node.Plugin.PluginPath, conf, gate, pod.ContainerId, pod.Path, pod.Name,
                 pod.CniArgs, store, KillTrialAddress, point.GateStep ?? "", file, point.Call, point.When.ToString(CultureInfo.InvariantCulture)],
                new CommandOptions { NetNs = node.Node.Name, Timeout = TimeSpan.FromMinutes(8) }).ConfigureAwait(false);
            var outcome = KillTrialOutcome.Parse(run.Stdout);
            var at = $"trial {i} at {point.Name}";
            var missed = point.Expect.Where(e => !outcome.Observed.Contains(e)).ToList();
            if (outcome.AddExit != 137) missed.Add($"ADD was not killed (exit {outcome.AddExit?.ToString(CultureInfo.InvariantCulture) ?? "none"})");
            if (point.HoldsAChild && !outcome.Held) missed.Add($"no process of the ADD was held at '{point.GateStep}'");
            if (missed.Count == 0) hits[point.Name] = hits.TryGetValue(point.Name, out var n) ? n + 1 : 1;
            else p.Add($"{at}: point not hit ({string.Join(", ", missed)}); observed {string.Join(' ', outcome.Observed)}");
            lines.Add($"{at}: {(missed.Count == 0 ? "hit" : "MISSED")} — observed {string.Join(' ', outcome.Observed)}" +
                      (point.HoldsAChild ? $"; DEL waited for the held process: {(outcome.DelWaited ? "yes" : "no")}" : ""));
            if (point.HoldsAChild && outcome.Held && !outcome.DelWaited)
                p.Add($"{at}: DEL did not wait for the killed ADD's process held at '{point.GateStep}' (it ended or went on while it ran)");
            if (outcome.DelExit != 0) p.Add($"{at}: DEL failed: exit {outcome.DelExit?.ToString(CultureInfo.InvariantCulture) ?? "none"} {outcome.DelOut}");
            foreach (var t in outcome.Timeouts) p.Add($"{at}: {t}");
            var reserved = await node.ReservationsAsync(config).ConfigureAwait(false);
            if (reserved.Count > 0)
                p.Add($"{at}: address(es) still reserved after DEL: {string.Join(", ", reserved.Select(r => $"{r.Key} ({JsonEscape(r.Value)})"))}");
            if (await node.HostVethsAsync().ConfigureAwait(false) is { Count: > 0 } veths)
                p.Add($"{at}: host veth(s) left after DEL: {string.Join(", ", veths.Select(v => v.Name))}");
            if (await pod.LinkAsync("eth0").ConfigureAwait(false) is not null) p.Add($"{at}: eth0 left in the pod after DEL");
            await pod.DeleteAsync().ConfigureAwait(false);
            if (reserved.Count > 0) break; // the one address of the range is gone: later trials would only fail with 110
        }
        // The lock must not be stuck: a fresh ADD goes through.
        var (last, add) = await node.AddPodAsync(config).ConfigureAwait(false);
        if (!add.Succeeded) p.Add($"ADD after the kill trials failed (store lock left held?): {add.Stdout.Trim()}");
        await node.CleanUpAsync(TestNode.Call(last, config), p).ConfigureAwait(false);
        return Verdict.Of(check, p, string.Join("\n", lines));
    }

    private static string JsonEscape(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
