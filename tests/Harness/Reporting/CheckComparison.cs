namespace BashCni.Harness.Reporting;

/// <summary>
/// One value a check compared: what it is ("pod eth0 address"), what the check expected and what it observed, and
/// whether they agree (not always equality: "inside 10.244.1.0/24" is an expectation a value can meet).
/// </summary>
public sealed record CheckComparison(string What, string Expected, string Observed, bool Matches)
{
    /// <summary>The comparison of two values by ordinal equality.</summary>
    public static CheckComparison Equal(string what, string? expected, string? observed) =>
        new(what, expected ?? "(none)", observed ?? "(none)", string.Equals(expected, observed, StringComparison.Ordinal));

    /// <summary>
    /// The line the report shows for it, compact: "pod eth0 MAC: 0a:58:… (expected 0a:58:…)" when it matched
    /// (the expected value only when it is not the observed one word for word), "pod eth0 MAC: expected X, observed Y"
    /// when it did not.
    /// </summary>
    public string Line =>
        Matches
            ? Expected == Observed ? $"{What}: {Observed}" : $"{What}: {Observed} (expected {Expected})"
            : $"{What}: expected {Expected}, observed {Observed}";
}
