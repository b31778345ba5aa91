using BashCni.Harness.KubeApi;
using BashCni.Harness.Kubernetes;
using BashCni.Harness.Reporting;

namespace BashCni.Tests.Cluster.RealClusters;

/// <summary>
/// The "outside" host on a cluster whose default gateway does not answer ping (a cloud's VPC router; the
/// <c>local-api</c> profile's router drops echo requests to itself): without BASHCNI_OUTSIDE_HOST the pre-flight
/// fails, naming the setting, before anything is installed; the run's own client has it configured and passes.
/// </summary>
[TestFixture]
[Category("Cluster")]
public sealed class OutsideHostPreflightTests : ClusterTest
{
    [Test]
    public async Task WithoutTheOutsideHostSettingThePreflightFailsNamingIt()
    {
        if (Cluster is not KubernetesCluster { Owned: LocalApiMachinery machinery } run || machinery.Profile.GatewayAnswersPing)
        {
            Assert.Ignore("needs the local-api target's profile, whose default gateway does not answer ping");
            return;
        }
        Evidence.Parameter("cluster target", run.Kind);
        await using var unconfigured = await machinery.ConnectAsync(machinery.Settings with { OutsideHost = null });
        var failed = Assert.ThrowsAsync<PreflightFailedException>(() => unconfigured.PreflightAsync());
        var report = failed!.Message;
        await TestContext.Out.WriteLineAsync(report);
        var outsideLine = report.Split('\n').Single(l => l.Contains("outside host", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(outsideLine, Does.StartWith("  FAIL  "), report);
            Assert.That(outsideLine, Does.Contain("default gateway").And.Contain("does not answer ping").And.Contain("BASHCNI_OUTSIDE_HOST"), report);
            Assert.That(run.PreflightReport, Does.Contain($"outside host {machinery.Settings.OutsideHost} (BASHCNI_OUTSIDE_HOST) answers ping"),
                "the run's own pre-flight, with the outside host configured");
        });
    }
}
