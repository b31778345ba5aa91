namespace BashCni.Harness.Sandbox;

/// <summary>The one way snapshots say what changed: "<c>what</c> added: x" / "<c>what</c> removed: x".</summary>
public static class SnapshotDiff
{
    public static IEnumerable<string> Lines(string what, IEnumerable<string> before, IEnumerable<string> after)
    {
        var a = before.ToList();
        var b = after.ToList();
        return b.Except(a).Select(x => $"{what} added: {x}").Concat(a.Except(b).Select(x => $"{what} removed: {x}"));
    }
}
