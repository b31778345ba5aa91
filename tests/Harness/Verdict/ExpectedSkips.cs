namespace BashCni.Harness.Verdict;

/// <summary>
/// The skip allow-list (<c>fixtures/expected-skips</c>): lines <c>GLOB | TARGETS | reason</c>, blank lines and
/// <c># comments</c> ignored. A line of any other shape is an error of the list (reported, and red: a malformed
/// line would otherwise silently allow or forbid nothing).
/// </summary>
public sealed record ExpectedSkips(IReadOnlyList<SkipRule> Rules, IReadOnlyList<string> Errors)
{
    public static ExpectedSkips None { get; } = new([], []);

    public static ExpectedSkips Read(string path) => File.Exists(path) ? Parse(File.ReadAllText(path)) : None;

    public static ExpectedSkips Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rules = new List<SkipRule>();
        var errors = new List<string>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split('|', 3);
            if (parts.Length != 3)
            {
                errors.Add($"fixtures/expected-skips line {i + 1}: not 'GLOB | TARGETS | reason': {line}");
                continue;
            }
            var glob = parts[0].Trim();
            var targets = parts[1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var reason = parts[2].Trim();
            if (glob.Length == 0 || targets.Length == 0 || reason.Length == 0 || targets.Any(t => t.Contains(' ', StringComparison.Ordinal)))
            {
                errors.Add($"fixtures/expected-skips line {i + 1}: GLOB, TARGETS ('any' or target,target) and reason must all be given: {line}");
                continue;
            }
            rules.Add(new SkipRule(glob, targets, reason, i + 1));
        }
        return new ExpectedSkips(rules, errors);
    }

    /// <summary>The rule that allows <paramref name="fullName"/> to skip on <paramref name="target"/>, or null.</summary>
    public SkipRule? Allowing(string fullName, string target) => Rules.FirstOrDefault(r => r.Matches(fullName, target));

    /// <summary>A rule that would allow the skip on another target, or null (for the message).</summary>
    public SkipRule? AllowingElsewhere(string fullName) => Rules.FirstOrDefault(r => r.MatchesName(fullName));
}
