using BashCni.Harness;
using BashCni.Harness.Cluster;
using BashCni.Harness.Reachability;
using BashCni.Harness.Reporting;
using NUnit.Framework.Internal;

namespace BashCni.Tests.Cluster;

/// <summary>
/// A failing reachability result for the report's browser check, which must see what a reviewer sees when a cell
/// differs — on a run where nothing does. Judged by the real stage verdict (<see cref="ReachabilityTests.Judge"/>)
/// from the real probe run of the lab stage with ONE expected cell flipped, recorded by the real writer into
/// $BASHCNI_REPORT_DEMO_DIR (never into the run's own allure-results/), with the source node's diagnostics.
/// </summary>
internal static class ReachabilityReportDemo
{
    /// <summary>The setting's name without <see cref="HarnessEnvironment.Prefix"/>.</summary>
    public const string DirectorySetting = "REPORT_DEMO_DIR";

    public const string DirectoryVariable = HarnessEnvironment.Prefix + DirectorySetting;

    public static async Task WriteIfAskedAsync(ICluster cluster, ProbeReport real, IReadOnlyList<PodState> pods)
    {
        var directory = HarnessEnvironment.Get(DirectorySetting);
        if (directory is null) return;
        // A cell that matched, preferably a blocked path: flipped, it reads "no (expected yes)", a path the plugin lost.
        var cell = real.Cells.FirstOrDefault(c => c.AsExpected && c.Expected == Reach.No && c.Probe.Problem is null)
                   ?? real.Cells.FirstOrDefault(c => c.AsExpected && c.Expected == Reach.Yes)
                   ?? throw new InvalidOperationException("the probe run has no cell as expected to flip for the report demo");
        var flipped = real.WithFlippedExpectation(cell.Source, cell.Target);

        var test = TestExecutionContext.CurrentContext.CurrentTest;
        var writer = new AllureResultsWriter(directory);
        var result = NUnitResultMapper.Describe(test);
        result.Name = $"{test.Name} [report demo: expected {cell.Source} -> {cell.Target} flipped]";
        result.FullName += ".ReportDemo";
        result.HistoryId = NUnitResultMapper.HistoryId(result.FullName, result.Parameters);
        result.Description = $"Not a test of the plugin: the lab stage's real probe run judged against an expectation with " +
                             $"{cell.Source} -> {cell.Target} flipped, so the report shows a differing cell. Written by run-tests.sh's report step.";
        var testCase = new AllureTestCase(writer, result);
        testCase.Target.AddDefaultLabels(NUnitResultMapper.LabelsOf(test, "Cluster report demo"));
        foreach (var link in NUnitResultMapper.LinksOf(test)) testCase.Target.AddLink(link);

        Exception? failure = null;
        using (testCase.Activate())
        using (new TestExecutionContext.IsolatedContext())
        {
            Evidence.Parameter("stage", real.Plan.Stage);
            Evidence.Parameter("flipped cell", $"{cell.Source} -> {cell.Target}");
            var node = pods.FirstOrDefault(p => p.Name == cell.Source)?.Node;
            try
            {
                ReachabilityTests.Judge(flipped);
            }
            catch (Exception e) when (e is AssertionException or MultipleAssertException)
            {
                failure = e;
            }
            if (node is not null) await AttachDiagnosticsAsync(cluster, node);
        }
        var status = failure is null ? AllureStatus.Passed : Evidence.StatusOf(failure);
        if (NUnitResultMapper.CategoryLabelOf(test, status, failure?.Message, failure?.StackTrace) is { } category)
            testCase.Target.AddLabel(category);
        testCase.Finish(status, failure is null ? null : AllureStatusDetails.FromException(failure));
        if (failure is null) throw new InvalidOperationException("the report demo's flipped cell did not fail the verdict");
    }

    // The plugin log tail and the node's network state, as a failing cluster test carries them.
    private static async Task AttachDiagnosticsAsync(ICluster cluster, string nodeName)
    {
        var sections = await cluster.CollectDiagnosticsAsync(nodeName).ConfigureAwait(false);
        foreach (var title in new[] { "plugin log", "ip route", "iptables-save" })
            if (sections.TryGetValue(title, out var text))
                Evidence.Attach($"{title} of {nodeName}", text);
    }
}
