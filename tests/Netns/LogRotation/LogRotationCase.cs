namespace BashCni.Tests.Netns.LogRotation;

/// <summary>
/// The plugin log at its size limit (src/Plugin/README.md, "Log": beyond 1 MiB the file is renamed to
/// <c>&lt;logFile&gt;.1</c>, one old generation kept). Before the ADD the log holds <see cref="FillerLines"/> numbered
/// lines of <see cref="LineBytes"/> bytes (and, with <see cref="OldGeneration"/>, a <c>.1</c> from an earlier
/// rotation); <see cref="Rotates"/> says whether the ADD's line takes the file beyond the limit.
/// </summary>
public sealed record LogRotationCase(string Name, int FillerLines, bool OldGeneration, bool Rotates)
{
    public const int LimitBytes = 1048576;

    public const int LineBytes = 64;

    /// <summary>The table: just under the limit after the line, crossing it with the line, already past it, and crossing it with an old generation present.</summary>
    public static IReadOnlyList<LogRotationCase> All { get; } =
    [
        new("the ADD's line stays under the limit", LimitBytes / LineBytes - 64, false, false),
        new("the ADD's line crosses the limit", LimitBytes / LineBytes - 1, false, true),
        new("the log is already past the limit", LimitBytes / LineBytes + 6, false, true),
        new("the ADD's line crosses the limit, an old generation present", LimitBytes / LineBytes - 1, true, true),
    ];

    public override string ToString() => Name;
}
