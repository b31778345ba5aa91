using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.MultiAttach;

/// <summary>Pods with two attachments (two ifnames of one network, or two networks), as Multus makes them.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class MultiAttachTests
{
    [Test]
    public Task TwoAttachmentsAreIndependent([Values] SecondAttachment kind) => TestNode.RunAsync(async node =>
        (await MultiAttachChecks.TwoAttachmentsAsync(node, kind)).AssertPassed());
}
