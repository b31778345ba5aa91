using System.Text.Json;
using System.Text.RegularExpressions;

namespace BashCni.Harness.Verdict;

/// <summary>One layer's results read from an Allure results directory (the results whose parentSuite is the layer's
/// category; for a cluster layer run on one of several targets, only those whose clusterTarget label names it; for a
/// Netns run with a profile other than bash-cni, only those whose profile label names it, and without one, none labelled).</summary>
public sealed partial record AllureLayerResults(ResultCounts Counts, IReadOnlyList<SkippedTest> Skips)
{
    public static AllureLayerResults Read(string resultsDirectory, string category, string clusterTarget = "", string profile = "")
    {
        int passed = 0, failed = 0, skipped = 0;
        var skips = new List<SkippedTest>();
        if (Directory.Exists(resultsDirectory))
        {
            foreach (var file in Directory.EnumerateFiles(resultsDirectory, "*-result.json"))
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(file));
                var root = doc.RootElement;
                if (!InLayer(root, category) || (clusterTarget.Length > 0 && !HasLabel(root, "clusterTarget", clusterTarget))) continue;
                // A Netns run with another profile (run-tests.sh's profile tables) counts only its own results, and a run
                // of the default profile none of theirs.
                if (!ProfileMatches(root, profile)) continue;
                var status = root.TryGetProperty("status", out var s) ? s.GetString() : null;
                switch (status)
                {
                    case "passed": passed++; break;
                    case "failed" or "broken": failed++; break;
                    case "skipped":
                        skipped++;
                        var name = Text(root, "fullName") ?? Text(root, "name") ?? file;
                        var reason = root.TryGetProperty("statusDetails", out var d) ? Text(d, "message") : null;
                        skips.Add(new SkippedTest(name, Whitespace().Replace(reason ?? "no reason given", " ")));
                        break;
                }
            }
        }
        return new AllureLayerResults(new ResultCounts(passed, failed, skipped),
            skips.OrderBy(x => x.FullName, StringComparer.Ordinal).ToList());
    }

    private static bool InLayer(JsonElement root, string category) => HasLabel(root, "parentSuite", category);

    private static bool ProfileMatches(JsonElement root, string profile) =>
        profile.Length > 0 ? HasLabel(root, "profile", profile) : !HasAnyLabel(root, "profile");

    private static bool HasAnyLabel(JsonElement root, string name) =>
        root.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Array &&
        labels.EnumerateArray().Any(l => Text(l, "name") == name);

    private static bool HasLabel(JsonElement root, string name, string value) =>
        root.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Array &&
        labels.EnumerateArray().Any(l => Text(l, "name") == name && Text(l, "value") == value);

    private static string? Text(JsonElement e, string property) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    [GeneratedRegex(@"[\t\n\r]+")]
    private static partial Regex Whitespace();
}
