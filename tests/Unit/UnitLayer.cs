using BashCni.Harness.Layers;
using NUnit.Framework;

namespace BashCni.Tests.Unit;

/// <summary>Records the host as it was before the unit layer, for the layer's final check (<see cref="UnitFinal.UnitFinalChecks"/>).</summary>
[SetUpFixture]
public sealed class UnitLayer
{
    [OneTimeSetUp]
    public Task RecordHostAsync() => LayerState.RecordHostBeforeAsync();
}
