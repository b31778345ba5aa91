using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Faults;

/// <summary>
/// bash-cni's early start works from a guess (fields read as plain text before validation); when the guess names
/// another store than the configuration, what it began there is dropped (the contract in source/early.sh).
/// </summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class EarlyStartTests
{
    [Test]
    public Task AMarkWrittenInAStoreTheConfigurationDoesNotNameIsDropped() => TestNode.RunAsync(async node =>
    {
        if (!node.Profile.IsBashCni || node.Config().HasIpamSection)
            Assert.Ignore("the early start and its mark are bash-cni's own (lab form)");
        var verdict = await EarlyStartChecks.MisguessedStoreDropsItsMarkAsync(node);
        await TestContext.Out.WriteLineAsync(verdict.ToString());
        verdict.AssertPassed();
    });
}
