using BashCni.Tests.Netns.SelfTest;

namespace BashCni.Tests.Netns.LogRotation;

/// <summary>Every case of <see cref="LogRotationCase"/> as a catcher (one family).</summary>
public static class LogRotationCatchers
{
    [CatcherSource]
    public static IEnumerable<Catcher> All() =>
        LogRotationCase.All.Select(c => new Catcher($"{LogRotationChecks.Check} ({c.Name})", node => LogRotationChecks.RotationAsync(node, c), LogRotationChecks.Check));
}
