using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Faults;

/// <summary>
/// bash-cni's early start begins work before the configuration is validated; when the validation then refuses it,
/// what it began is undone (the contract in source/early.sh).
/// </summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class EarlyStartTests
{
    [Test]
    public Task AMarkTheEarlyStartWroteIsUndoneWhenTheConfigurationIsRefused() => TestNode.RunAsync(async node =>
    {
        if (!node.Profile.IsBashCni || node.Config().HasIpamSection)
            Assert.Ignore("the early start and its mark are bash-cni's own (lab form)");
        var verdict = await EarlyStartChecks.RefusedConfigurationUndoesTheEarlyStartAsync(node);
        await TestContext.Out.WriteLineAsync(verdict.ToString());
        verdict.AssertPassed();
    });
}
