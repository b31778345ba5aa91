using BashCni.Harness.Layers;

// Outside BashCni.Tests.Netns on purpose: NetnsLayer (that namespace's set-up fixture) must not start a sandbox here.
namespace BashCni.Tests.NetnsFinal;

/// <summary>
/// The netns layer's final checks, run by run-tests.sh as a separate <c>dotnet test --filter Category=NetnsFinal</c>
/// after the layer's test process exited: the host is as before the layer, and the checks only a teardown can
/// make (the shared sandbox at its end, the bad-input nodes) found nothing.
/// </summary>
[TestFixture]
[Category("NetnsFinal")]
public sealed class NetnsFinalChecks
{
    [Test]
    public Task HostIsAsBeforeTheLayer() => FinalChecks.HostIsAsBeforeTheLayerAsync();

    [TestCase(Netns.NetnsLayer.SandboxCheck)]
    [TestCase(Netns.BadInput.BadInputTests.NodesCheck)]
    public Task TeardownFoundNothing(string check) => FinalChecks.TeardownCheckAsync(check);
}
