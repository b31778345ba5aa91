using BashCni.Tests.Netns.SelfTest;

namespace BashCni.Tests.Netns.ForeignStore;

/// <summary>Every case of <see cref="ForeignStoreCase"/> as a catcher (one family).</summary>
public static class ForeignStoreCatchers
{
    [CatcherSource]
    public static IEnumerable<Catcher> All() =>
        ForeignStoreCase.All.Select(c => new Catcher($"{ForeignStoreChecks.Check} ({c.Name})", node => ForeignStoreChecks.ReleaseAsync(node, c), ForeignStoreChecks.Check));
}
