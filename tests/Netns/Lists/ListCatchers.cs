using BashCni.Tests.Netns.SelfTest;

namespace BashCni.Tests.Netns.Lists;

/// <summary>The network-list checks as catchers (fixtures/plugins/broken variants name them).</summary>
public static class ListCatchers
{
    [CatcherSource]
    public static IEnumerable<Catcher> All()
    {
        yield return new(ListChecks.PortmapTuning, ListChecks.PortmapTuningAsync, "network lists");
        yield return new(ListChecks.ChainedAfterLoopback, ListChecks.ChainedAfterLoopbackAsync, "network lists");
        yield return new(ListChecks.GcAndStatus, ListChecks.GcAndStatusAsync, "network lists");
        yield return new(ListChecks.ChainedModifications, ListChecks.ChainedModificationsAsync, "network lists");
    }
}
