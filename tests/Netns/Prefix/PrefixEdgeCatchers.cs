using BashCni.Tests.Netns.SelfTest;

namespace BashCni.Tests.Netns.Prefix;

/// <summary>Every case of <see cref="PrefixEdgeCase"/> as a catcher (one family).</summary>
public static class PrefixEdgeCatchers
{
    [CatcherSource]
    public static IEnumerable<Catcher> All() =>
        PrefixEdgeCase.All.Select(c => new Catcher($"{PrefixEdgeChecks.Check} ({c.Name})", node => PrefixEdgeChecks.EdgeAsync(node, c), PrefixEdgeChecks.Check));
}
