using BashCni.Tests.Netns.SelfTest;

namespace BashCni.Tests.Netns.Versions;

/// <summary>Every case of <see cref="VersionEdgeCase"/> as a catcher (one family).</summary>
public static class VersionEdgeCatchers
{
    [CatcherSource]
    public static IEnumerable<Catcher> All() =>
        VersionEdgeCase.All.Select(c => new Catcher($"{VersionEdgeChecks.Check} ({c.Name})", node => VersionEdgeChecks.RefusedAsync(node, c), VersionEdgeChecks.Check));
}
