using BashCni.Tests.Netns.SelfTest;

namespace BashCni.Tests.Netns.Derived;

/// <summary>Every case of <see cref="DerivedNameCase"/> as a catcher (one family: one variant suffices to prove the check can fail).</summary>
public static class DerivedNameCatchers
{
    [CatcherSource]
    public static IEnumerable<Catcher> All() =>
        DerivedNameCase.All.Select(c => new Catcher($"{DerivedNameChecks.Check} ({c.Name})", node => DerivedNameChecks.DistinctAsync(node, c), DerivedNameChecks.Check));
}
