using BashCni.Harness.Layers;
using NUnit.Framework;

// Outside BashCni.Tests.Unit on purpose: the final check must not be part of the layer it checks.
namespace BashCni.Tests.UnitFinal;

/// <summary>
/// The unit layer's final check, run by run-tests.sh as a separate <c>dotnet test --filter Category=UnitFinal</c>
/// after the layer's test process exited: the host — including the run's temporary directory, where the unit tests
/// make their temporary stores and copies — is as before the layer.
/// </summary>
[TestFixture]
[Category("UnitFinal")]
public sealed class UnitFinalChecks
{
    [Test]
    public Task HostIsAsBeforeTheLayer() => FinalChecks.HostIsAsBeforeTheLayerAsync();
}
