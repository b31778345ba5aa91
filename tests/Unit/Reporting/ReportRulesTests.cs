using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Reporting;

/// <summary>The central report rules: which category a failure lands in, severity, spec and source links.</summary>
[Category("Unit")]
[Feature("Allure results")]
[Story("Report rules")]
public sealed class ReportRulesTests
{
    [TestCase(AllureStatus.Failed, "Netns", "Conformance", "AddTests", false, "ADD result has no ips", ReportRules.PluginDefect)]
    [TestCase(AllureStatus.Failed, "Cluster", null, "ReachabilityTests", false, "1 of 48 cells differ", ReportRules.PluginDefect)]
    [TestCase(AllureStatus.Broken, "Netns", "Conformance", "AddTests", false, "BashCni.Harness.Cni.CniProtocolException: ADD exited 0 but printed no result", ReportRules.PluginDefect)]
    [TestCase(AllureStatus.Failed, "Netns", null, "GuardTests", false, "the sandbox sees an eth0", ReportRules.HarnessProblem)]
    [TestCase(AllureStatus.Failed, "Unit", "Reporting", "EvidenceTests", false, "Expected 2 but was 1", ReportRules.HarnessProblem)]
    [TestCase(AllureStatus.Broken, "Netns", "Ipam", "IpamLoadTests", false, "System.TimeoutException at BashCni.Harness.Sandbox.SandboxHost", ReportRules.HarnessProblem)]
    [TestCase(AllureStatus.Skipped, "Cluster", null, "PodLifecycleTests", false, "needs root to build its sandbox", ReportRules.EnvironmentProblem)]
    [TestCase(AllureStatus.Broken, "Cluster", null, "PodLifecycleTests", false, "BashCni.Harness.Kubernetes.ClusterNotConfiguredException: no kubeconfig", ReportRules.EnvironmentProblem)]
    [TestCase(AllureStatus.Failed, "Netns", "Conformance", "DelTests", true, "DEL failed", ReportRules.KnownIssue)]
    public void FailuresLandInTheirCategory(AllureStatus status, string layer, string? area, string fixture, bool known, string message, string expected) =>
        Assert.That(ReportRules.CategoryOf(status, layer, area, fixture, known, message, null), Is.EqualTo(expected));

    [Test]
    public void APassedTestHasNoCategory() =>
        Assert.That(ReportRules.CategoryOf(AllureStatus.Passed, "Unit", "Ipam", "StoreTests", false, null, null), Is.Null);

    [TestCase("Netns", "Conformance", "AddTests", "critical")]
    [TestCase("Unit", "Ipam", "ConcurrencyTests", "critical")]
    [TestCase("Cluster", null, "PodAddressTests", "critical")]
    [TestCase("Unit", "Ipam", "RangeTests", "normal")]
    [TestCase("Unit", "Lint", "ShellcheckTests", "minor")]
    public void SeverityFollowsWhatAFailureWouldMean(string layer, string? area, string fixture, string expected) =>
        Assert.That(ReportRules.SeverityOf(layer, area, fixture), Is.EqualTo(expected));

    [Test]
    public void ConformanceTestsLinkTheirSpecSectionAndEveryTestItsSource()
    {
        var spec = ReportRules.SpecLinkOf("AddTests");
        var source = ReportRules.SourceLinkOf(typeof(ReportRulesTests).FullName);
        Assert.Multiple(() =>
        {
            Assert.That(spec?.Url, Does.StartWith(ReportRules.SpecUrl + "#add-"));
            Assert.That(ReportRules.SpecLinkOf("RangeTests"), Is.Null);
            Assert.That(source?.Name, Is.EqualTo("source: tests/Unit/Reporting/ReportRulesTests.cs"));
            if (Environment.GetEnvironmentVariable("GITHUB_SHA") is null)
                Assert.That(source?.Url, Is.EqualTo("../tests/Unit/Reporting/ReportRulesTests.cs"), "relative to allure-report/index.html, not a file:// path of this machine");
        });
    }
}
