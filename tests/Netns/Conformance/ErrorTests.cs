using BashCni.Harness.Layers;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Conformance;

/// <summary>Failures reach the runtime: libcni reads only stdout, so every error must be a CNI error JSON there.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class ErrorTests
{
    [Category(QuickRun.Category)]
    [Test]
    public Task RepresentativeFailuresAreCniErrorsOnStdout() => TestNode.RunAsync(async node =>
    {
        foreach (var name in ErrorChecks.Representative)
            node.Profile.SkipKnownDeviation($"BadInput({name})");
        (await ErrorChecks.ErrorsAreCniJsonOnStdoutAsync(node)).AssertPassed();
    });
}
