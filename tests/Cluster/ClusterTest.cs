using BashCni.Harness.Cluster;
using NUnit.Framework.Interfaces;

namespace BashCni.Tests.Cluster;

/// <summary>Base of the layer's fixtures: the shared cluster, and node diagnostics attached when a test fails.</summary>
public abstract class ClusterTest
{
    protected static ICluster Cluster => ClusterSession.Require();

    [TearDown]
    public async Task AttachDiagnosticsOnFailureAsync()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status != TestStatus.Failed) return;
        if (ClusterSession.TryGet() is { } cluster)
            await ClusterDiagnostics.WriteAsync(cluster, TestContext.CurrentContext.Test.Name).ConfigureAwait(false);
    }
}
