using BashCni.Tests.Netns.SelfTest;

namespace BashCni.Tests.Netns.MultiAttach;

/// <summary>The two-attachment checks as catchers (fixtures/plugins/broken variants name them).</summary>
public static class MultiAttachCatchers
{
    [CatcherSource]
    public static IEnumerable<Catcher> All() =>
        Enum.GetValues<SecondAttachment>().Select(kind =>
            new Catcher(MultiAttachChecks.CheckName(kind), n => MultiAttachChecks.TwoAttachmentsAsync(n, kind), "two attachments"));
}
