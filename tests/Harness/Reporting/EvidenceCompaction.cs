using System.Text;

namespace BashCni.Harness.Reporting;

/// <summary>
/// What a result keeps of its evidence, decided when it ends. A failed or broken test keeps everything as recorded
/// (each plugin call's env, stdin, stdout, stderr and exit as attachments of their own: what a failure needs). A
/// passed test keeps every step and name, and each passed step's text attachments merged into one ("env · stdin ·
/// stdout · exit"): the same bytes, one attachment instead of five, so the single-file report carries one attachment
/// entry per plugin call instead of five (each is listed twice in the report's data, under the step and the test).
/// Test output that repeats an attachment word for word is shortened to a reference to it.
/// </summary>
public static class EvidenceCompaction
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Text worth quoting once: shorter repeats stay in the output as they are.</summary>
    public const int RepeatMinimum = 200;

    /// <summary>Merges the text attachments of each passed step (two or more) into one text attachment, removing the originals.</summary>
    public static void CompactPassed(AllureExecutable root, AllureResultsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var step in root.Steps) CompactStep(step, writer);
    }

    private static void CompactStep(AllureStep step, AllureResultsWriter writer)
    {
        foreach (var child in step.Steps) CompactStep(child, writer);
        if (step.Status != AllureStatus.Passed) return;
        var texts = step.Attachments.Where(IsText).ToList();
        if (texts.Count < 2) return;
        var merged = new StringBuilder();
        foreach (var attachment in texts)
        {
            var content = writer.ReadAttachment(attachment.Source);
            if (content is null) return; // not ours to merge: leave the step as it is
            merged.Append("── ").Append(attachment.Name).Append(" ──\n").Append(content.TrimEnd('\n')).Append("\n\n");
        }
        var name = string.Join(" · ", texts.Select(a => a.Name));
        var combined = writer.WriteAttachment(name, merged.ToString().TrimEnd('\n') + "\n", "text/plain", "txt");
        var at = step.Attachments.IndexOf(texts[0]);
        foreach (var attachment in texts)
        {
            step.Attachments.Remove(attachment);
            writer.DeleteAttachment(attachment.Source);
        }
        step.Attachments.Insert(Math.Min(at, step.Attachments.Count), combined);
    }

    /// <summary>
    /// <paramref name="output"/> with each attachment of <paramref name="root"/> it repeats word for word (at least
    /// <see cref="RepeatMinimum"/> characters) replaced by "[attached: NAME]".
    /// </summary>
    public static string WithoutRepeatedAttachments(string output, AllureExecutable root, AllureResultsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var attachment in All(root).Where(IsText))
        {
            var content = writer.ReadAttachment(attachment.Source)?.TrimEnd('\n');
            if (content is null || content.Length < RepeatMinimum || !output.Contains(content, StringComparison.Ordinal)) continue;
            output = output.Replace(content, $"[attached: {attachment.Name}]", StringComparison.Ordinal);
        }
        return output;
    }

    private static IEnumerable<AllureAttachment> All(AllureExecutable node) =>
        node.Attachments.Concat(node.Steps.SelectMany(All));

    private static bool IsText(AllureAttachment a) =>
        a.Type is "text/plain" or "application/json" or "text/yaml" or "text/x-shellscript" or "text/markdown";
}
