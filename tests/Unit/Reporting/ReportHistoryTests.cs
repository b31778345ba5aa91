using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BashCni.Harness;
using BashCni.Harness.Reporting;
using BashCni.Tests.Unit.Infra;
using NUnit.Framework;
using YamlDotNet.RepresentationModel;

namespace BashCni.Tests.Unit.Reporting;

/// <summary>
/// The report's history survives from run to run: allurerc.json keeps it outside allure-results/ (which each run
/// cleans), run-tests.sh never deletes it, and every CI job that renders a report restores it before the run and
/// saves it after, even when tests failed. Checked statically, with broken copies to show each check can fail.
/// </summary>
[Category("Unit")]
[Feature("Report history")]
public sealed partial class ReportHistoryTests
{
    private static string WorkflowPath => Path.Combine(RepoPaths.Root, ".github", "workflows", "cluster-kind.yml");

    private static string HistoryDirectory()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "allurerc.json")))!.AsObject();
        var path = (string?)config["historyPath"] ?? throw new InvalidDataException("allurerc.json has no historyPath");
        return Path.GetDirectoryName(path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path) ?? "";
    }

    [Test]
    public void AllurercKeepsTheHistoryOutsideTheResultsAndRunTestsNeverDeletesIt()
    {
        var directory = HistoryDirectory();
        var script = File.ReadAllText(Path.Combine(RepoPaths.Root, "run-tests.sh"));
        var deletions = script.Split('\n').Where(l => RmLine().IsMatch(l)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(directory, Is.Not.Empty.And.Not.StartWith("allure-results").And.Not.StartWith("allure-report"),
                "the history must live outside the directories a run cleans");
            Assert.That(deletions.Where(l => l.Contains(directory, StringComparison.Ordinal)), Is.Empty, "run-tests.sh deletes the history");
            Assert.That(File.ReadAllText(Path.Combine(RepoPaths.Root, ".gitignore")), Does.Contain(directory + "/"), "the history is not committed");
        });
    }

    [Test]
    public void EveryJobThatRendersAReportCarriesTheHistory()
    {
        var problems = CheckWorkflow(YamlDoc.Load(File.ReadAllText(WorkflowPath)), HistoryDirectory());
        Assert.That(problems, Is.Empty);
    }

    [TestCase("      - name: Keep the report history for the next run\n        if: always()\n", "      - name: Keep the report history for the next run\n",
        "does not save the history when tests fail")]
    [TestCase("uses: actions/cache/save@v4", "uses: actions/upload-artifact@v4", "never saves")]
    [TestCase("uses: actions/cache/restore@v4", "uses: actions/checkout@v4", "never restores")]
    [TestCase("restore-keys: allure-history-${{ github.job }}-", "restore-keys: other-", "restores with no prefix of the key it saves")]
    [TestCase("key: allure-history-${{ github.job }}-${{ github.run_id }}-${{ github.run_attempt }}\n\n", "key: allure-history-${{ github.job }}\n\n",
        "saves under a key that is not unique per run")]
    public void BrokenHistoryCarryingIsCaught(string original, string replacement, string expected)
    {
        var text = File.ReadAllText(WorkflowPath);
        Assert.That(text, Does.Contain(original));
        var broken = text.Replace(original, replacement, StringComparison.Ordinal);
        Assert.That(CheckWorkflow(YamlDoc.Load(broken), HistoryDirectory()), Has.Some.Contains(expected));
    }

    /// <summary>For each job running run-tests.sh with a report: a cache restore of the history before it, a save after it.</summary>
    internal static List<string> CheckWorkflow(YamlMappingNode workflow, string historyDirectory)
    {
        var problems = new List<string>();
        foreach (var (name, job) in workflow.Get("jobs").Entries())
        {
            var steps = job.Get("steps").Items().ToList();
            var run = steps.FindIndex(s => s.Get("run").Text() is { } r && r.Contains("run-tests.sh", StringComparison.Ordinal)
                                                                      && !r.Contains("--no-report", StringComparison.Ordinal));
            if (run < 0) continue;
            bool Carries(YamlNode s, string action) =>
                (s.Get("uses").Text() ?? "").StartsWith($"actions/cache/{action}@", StringComparison.Ordinal)
                && (s.Get("with").Get("path").Text() ?? "").Trim() == historyDirectory;
            var restore = steps.FindIndex(s => Carries(s, "restore"));
            var save = steps.FindIndex(s => Carries(s, "save"));
            if (restore < 0) problems.Add($"job {name}: never restores {historyDirectory} (actions/cache/restore)");
            else if (restore > run) problems.Add($"job {name}: restores the history only after run-tests.sh");
            if (save < 0)
            {
                problems.Add($"job {name}: never saves {historyDirectory} (actions/cache/save)");
                continue;
            }
            if (save < run) problems.Add($"job {name}: saves the history before run-tests.sh");
            if (steps[save].Get("if").Text() is not { } condition || !condition.Contains("always()", StringComparison.Ordinal))
                problems.Add($"job {name}: does not save the history when tests fail (needs if: always())");
            var key = steps[save].Get("with").Get("key").Text() ?? "";
            if (!key.Contains("github.run_id", StringComparison.Ordinal))
                problems.Add($"job {name}: saves under a key that is not unique per run ('{key}'): a cache key is written once");
            if (restore >= 0)
            {
                var prefixes = (steps[restore].Get("with").Get("restore-keys").Text() ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (!prefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
                    problems.Add($"job {name}: restores with no prefix of the key it saves ('{key}'), so it never finds the last run's history");
            }
        }
        return problems;
    }

    [GeneratedRegex(@"^\s*rm\s")]
    private static partial Regex RmLine();
}
