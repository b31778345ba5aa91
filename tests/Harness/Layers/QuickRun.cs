using System.Globalization;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace BashCni.Harness.Layers;

/// <summary>
/// <c>./run-tests.sh --quick</c>: each layer runs only its tests of category <see cref="Category"/> — one representative
/// per check family, every CNI command and version, every cluster check and both reachability stages, each check's
/// self-test variant — and the summary says how many of the layer's tests that was. run-tests.sh sets
/// <c>BASHCNI_QUICK=1</c>; a fixture that prepares for all its cases (the broken variants) prepares only for the quick ones.
/// </summary>
public static class QuickRun
{
    /// <summary>The NUnit category of the tests a quick run runs.</summary>
    public const string Category = "Quick";

    private const string CountsFile = "test-counts.tsv";

    /// <summary>True in a quick run (<c>BASHCNI_QUICK=1</c>).</summary>
    public static bool IsOn => HarnessEnvironment.Get("QUICK") == "1";

    /// <summary>One representative per family: of each family's members, the first by ordinal name.</summary>
    public static IReadOnlySet<string> Representatives(IEnumerable<(string Member, string Family)> members) =>
        members.GroupBy(m => m.Family, StringComparer.Ordinal)
            .Select(g => g.Select(m => m.Member).Min(StringComparer.Ordinal)!)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Per category of the running assembly's tests: how many test cases carry it (on the case or a suite above it) and
    /// how many of those are also <see cref="Category"/>. NUnit keeps the whole tree whatever the run's filter, so a quick
    /// run counts the layer's full size too.
    /// </summary>
    public static IReadOnlyDictionary<string, (int Total, int Quick)> CountByCategory(ITest anyTestOfTheAssembly)
    {
        ArgumentNullException.ThrowIfNull(anyTestOfTheAssembly);
        var root = anyTestOfTheAssembly;
        while (root.Parent is not null) root = root.Parent;
        var counts = new Dictionary<string, (int Total, int Quick)>(StringComparer.Ordinal);
        Walk(root, new HashSet<string>(StringComparer.Ordinal));
        return counts;

        void Walk(ITest test, IReadOnlySet<string> inherited)
        {
            var categories = new HashSet<string>(inherited, StringComparer.Ordinal);
            foreach (var c in test.Properties[PropertyNames.Category].OfType<string>()) categories.Add(c);
            if (test.IsSuite)
            {
                foreach (var child in test.Tests) Walk(child, categories);
                return;
            }
            var quick = categories.Contains(Category);
            foreach (var c in categories.Where(c => c != Category))
            {
                var (total, q) = counts.GetValueOrDefault(c);
                counts[c] = (total + 1, q + (quick ? 1 : 0));
            }
        }
    }

    /// <summary>Writes <see cref="CountByCategory"/> of the running assembly to the layer's state directory
    /// (<c>test-counts.tsv</c>: category, total, quick), for run-tests.sh's "quick: N of M tests"; no-op without one.</summary>
    public static async Task RecordCountsAsync(CancellationToken ct = default)
    {
        if (LayerState.Directory is not { } dir || TestExecutionContext.CurrentContext.CurrentTest is not { } current) return;
        Directory.CreateDirectory(dir);
        var lines = CountByCategory(current).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}\t{kv.Value.Total}\t{kv.Value.Quick}"));
        await File.WriteAllLinesAsync(Path.Combine(dir, CountsFile), lines, ct).ConfigureAwait(false);
    }
}
