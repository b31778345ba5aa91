using System.Text;
using System.Text.RegularExpressions;

namespace BashCni.Harness.Reporting;

/// <summary>
/// fixtures/expected-skips: <c>GLOB | reason</c> lines, matched against a test's full name as run-tests.sh matches
/// them (<c>*</c> any text, <c>?</c> one character; everything else literal). A skip it allows is filed under the
/// report's "Expected skip" category with that reason, apart from the environment problems.
/// </summary>
public static class ExpectedSkips
{
    private static readonly Lazy<IReadOnlyList<(Regex Pattern, string Reason)>> Rules = new(() => Load(RepoPaths.Fixture("expected-skips")));

    /// <summary>The reason the file gives for skipping the test, or null when it does not allow the skip.</summary>
    public static string? ReasonFor(string fullName) => ReasonFor(Rules.Value, fullName);

    public static string? ReasonFor(IReadOnlyList<(Regex Pattern, string Reason)> rules, string fullName)
    {
        ArgumentNullException.ThrowIfNull(rules);
        foreach (var (pattern, reason) in rules)
            if (pattern.IsMatch(fullName)) return reason;
        return null;
    }

    public static IReadOnlyList<(Regex Pattern, string Reason)> Load(string path) =>
        File.Exists(path) ? Parse(File.ReadAllLines(path)) : [];

    public static IReadOnlyList<(Regex Pattern, string Reason)> Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var rules = new List<(Regex, string)>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var bar = line.IndexOf(" | ", StringComparison.Ordinal);
            var glob = (bar < 0 ? line : line[..bar]).Trim();
            var reason = bar < 0 ? "" : line[(bar + 3)..].Trim();
            rules.Add((new Regex("^" + GlobToRegex(glob) + "$", RegexOptions.CultureInvariant), reason));
        }
        return rules;
    }

    private static string GlobToRegex(string glob)
    {
        var regex = new StringBuilder();
        foreach (var c in glob)
            regex.Append(c switch { '*' => ".*", '?' => ".", _ => Regex.Escape(c.ToString()) });
        return regex.ToString();
    }
}
