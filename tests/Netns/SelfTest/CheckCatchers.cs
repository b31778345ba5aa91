using BashCni.Harness.Cni;
using BashCni.Tests.Netns.BadInput;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.SelfTest;

/// <summary>
/// The checks of tests/Netns/Checks and the bad-input corpus as catchers, one per Verdict check name (parameters
/// fixed where a check takes them: cniVersion 0.3.1, so a result in another version shows).
/// </summary>
public static class CheckCatchers
{
    [CatcherSource]
    public static IEnumerable<Catcher> All()
    {
        yield return new("ADD result matches the kernel", async n => (await AddChecks.AddMatchesKernelAsync(n, CniVersions.V031).ConfigureAwait(false)).Verdict);
        yield return new("repeated ADD is rejected without changes", n => AddChecks.RepeatedAddIsRejectedAsync(n, CniVersions.V031));
        foreach (var drift in Enum.GetValues<Drift>())
            yield return new(drift == Drift.None ? "CHECK passes right after ADD" : $"CHECK fails after {drift}", n => CheckChecks.CheckSeesDriftAsync(n, drift));
        foreach (var delCase in Enum.GetValues<DelCase>())
            yield return new($"DEL ({delCase}) succeeds and releases", n => DelChecks.DelSucceedsAndReleasesAsync(n, CniVersions.V031, delCase));
        yield return new("release matches the exact container ID + ifname", DelChecks.ReleaseIsExactAsync);
        yield return new(DelegateCheckChecks.Check, DelegateCheckChecks.DelegatedCheckErrorAsync);
        yield return new("errors are CNI error JSON on stdout", ErrorChecks.ErrorsAreCniJsonOnStdoutAsync);
        yield return new("a failure after IPAM rolls the ADD back", FaultChecks.FailedAddRollsBackAsync);
        yield return new("a held store lock ends in code 11 within lockTimeout", n => FaultChecks.HeldLockEndsInCode11Async(n));
        yield return new("an unwritable dataDir is code 5", FaultChecks.UnwritableDataDirIsCode5Async);
        foreach (var count in new[] { 8, 16 })
            yield return new($"{count} parallel ADDs get distinct addresses, {count} parallel DELs release them", n => IpamChecks.ParallelAddDelAsync(n, count),
                "parallel ADDs and DELs");
        yield return new("network, gateway and broadcast addresses are never handed out", n => IpamChecks.ReservedAddressesAreNeverHandedOutAsync(n));
        yield return new("exhaustion is a CNI error and leaves nothing behind", IpamChecks.ExhaustionIsACniErrorAsync);
        yield return new("STATUS reports readiness and exhaustion", IpamChecks.StatusFollowsExhaustionAsync);
        yield return new("GC keeps valid attachments and releases the rest", n => IpamChecks.GcReleasesAllButValidAsync(n, afterReboot: false));
        yield return new("GC reclaims stale reservations after a reboot", n => IpamChecks.GcReleasesAllButValidAsync(n, afterReboot: true));
        foreach (var c in BadInputCase.LoadAll())
            yield return new($"bad input {c.Name} ({c.Description})", n => BadInputAsync(n, c), c.Env.Values.Concat([c.StdinRaw]).Append(c.Patch?.ToJsonString()).Append(c.IpamPatch?.ToJsonString())
                .Any(s => s?.Contains("{{canary}}", StringComparison.Ordinal) == true) ? "bad input: no shell injection (canary)" : "bad input: the CNI error and code");
    }

    /// <summary>One bad-input case as BadInputTests runs it: beside a resident pod, against a pod never added.</summary>
    private static async Task<Verdict> BadInputAsync(TestNode node, BadInputCase c)
    {
        var (resident, add) = await node.AddPodAsync(node.Config(), "resident").ConfigureAwait(false);
        if (!add.Succeeded) return Verdict.SetUpFailed($"bad input {c.Name} ({c.Description})", "ADD of the resident pod failed: " + add.Stdout.Trim());
        var target = await node.CreatePodAsync("target").ConfigureAwait(false);
        var (verdict, _) = await BadInputRunner.RunAsync(node, target, c).ConfigureAwait(false);
        var cleanUp = new List<string>();
        await node.CleanUpAsync(TestNode.Call(target, node.Config()), cleanUp).ConfigureAwait(false);
        await node.CleanUpAsync(TestNode.Call(resident, node.Config()), cleanUp).ConfigureAwait(false);
        return cleanUp.Count == 0 ? verdict : verdict with { Problems = [.. verdict.Problems, .. cleanUp] };
    }
}
