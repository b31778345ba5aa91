using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.SelfTest;

namespace BashCni.Tests.Netns.Faults;

/// <summary>The kill trials (one trial at each kill point), the races and the early start's undo on a refused configuration as catchers for the self-test.</summary>
public static class FaultCatchers
{
    [CatcherSource]
    public static IEnumerable<Catcher> All()
    {
        yield return new Catcher("SIGKILL at each point of an ADD's progress, then DEL, leaves nothing",
            node => FaultChecks.KilledAddIsCleanedByDelAsync(node, KillPoints.All, new Dictionary<string, int>(StringComparer.Ordinal)));
        yield return new Catcher(RaceChecks.BridgeCheck, node => RaceChecks.ConcurrentBridgeCreationAsync(node));
        yield return new Catcher(RaceChecks.BridgeTimeoutCheck, node => RaceChecks.ConcurrentBridgeCreationAsync(node, lockTimesOut: true));
        yield return new Catcher(RaceChecks.FailedDelCheck, RaceChecks.FailedDelReapsItsDeleteAsync);
        yield return new Catcher(EarlyStartChecks.RefusedConfigurationCheck, EarlyStartChecks.RefusedConfigurationUndoesTheEarlyStartAsync);
    }
}
