using BashCni.Tests.Netns.SelfTest;

namespace BashCni.Tests.Netns.CniPath;

/// <summary>Every case of <see cref="CniPathCase"/> as a catcher (one family).</summary>
public static class CniPathCatchers
{
    [CatcherSource]
    public static IEnumerable<Catcher> All() =>
        CniPathCase.All.Select(c => new Catcher($"{CniPathChecks.Check} ({c.Name})", node => CniPathChecks.DelegatedAsync(node, c), CniPathChecks.Check));
}
