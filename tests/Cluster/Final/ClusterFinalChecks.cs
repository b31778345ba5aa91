using BashCni.Harness.Layers;

// Outside BashCni.Tests.Cluster on purpose: ClusterSession (that namespace's set-up fixture) must not start a cluster here.
namespace BashCni.Tests.ClusterFinal;

/// <summary>
/// The cluster layer's final checks, run by run-tests.sh as a separate <c>dotnet test --filter Category=ClusterFinal</c>
/// after the layer's test process exited: the host is as before the layer, and the cluster's teardown found nothing.
/// </summary>
[TestFixture]
[Category("ClusterFinal")]
public sealed class ClusterFinalChecks
{
    [Test]
    public Task HostIsAsBeforeTheLayer() => FinalChecks.HostIsAsBeforeTheLayerAsync();

    [Test]
    public Task TeardownFoundNothing() => FinalChecks.TeardownCheckAsync(Cluster.ClusterSession.TeardownCheck);
}
