using System.Text.RegularExpressions;

namespace BashCni.Tests.ClusterSelfTest;

/// <summary>
/// A broken variant of fixtures/plugins/broken whose file also names a check of the cluster layer (<c># cluster-check:</c>,
/// a <see cref="Cluster.Checks.ClusterVerdict"/>'s Check) and the problem it must report there (<c># cluster-problem:</c>, a regex).
/// </summary>
public sealed record ClusterVariant(string Name, string Check, string Problem)
{
    public Regex ProblemPattern { get; } = new(Problem, RegexOptions.CultureInvariant | RegexOptions.Multiline);

    /// <summary>One line of <c>make-broken.sh --cluster-table</c> (name, check, problem; tab-separated).</summary>
    public static ClusterVariant Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var f = line.Split('\t');
        if (f.Length != 3 || f.Any(string.IsNullOrWhiteSpace))
            throw new FormatException($"make-broken.sh --cluster-table: expected name, check, problem separated by tabs: '{line}'");
        return new ClusterVariant(f[0], f[1], f[2]);
    }

    public string TableRow(string node) => $"| `{Name}` | {node} | {Check} | `{Problem}` |";

    public const string TableHeader = "| variant | installed on | cluster check that must go red | its problem (regex) |\n|---|---|---|---|";
}
