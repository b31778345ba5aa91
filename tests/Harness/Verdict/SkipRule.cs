using System.Text;
using System.Text.RegularExpressions;

namespace BashCni.Harness.Verdict;

/// <summary>
/// One line of <c>fixtures/expected-skips</c>: <c>GLOB | TARGETS | reason</c>. GLOB is matched against a skipped
/// test's full name (<c>*</c> any text, <c>?</c> one character, everything else literal); TARGETS is <c>any</c> or a
/// comma-separated list of the cluster targets (<c>--target</c>) on which the skip is allowed.
/// </summary>
public sealed record SkipRule(string Glob, IReadOnlyList<string> Targets, string Reason, int Line)
{
    public const string AnyTarget = "any";

    public bool Matches(string fullName, string target) =>
        (Targets.Contains(AnyTarget) || Targets.Contains(target)) && GlobRegex(Glob).IsMatch(fullName);

    /// <summary>True when the glob matches the name on some target (for saying why a skip was not allowed).</summary>
    public bool MatchesName(string fullName) => GlobRegex(Glob).IsMatch(fullName);

    private static Regex GlobRegex(string glob)
    {
        var sb = new StringBuilder("^");
        foreach (var c in glob)
            sb.Append(c switch { '*' => ".*", '?' => ".", _ => Regex.Escape(c.ToString()) });
        return new Regex(sb.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }
}
