namespace BashCni.Harness.Reporting;

/// <summary>
/// Where evidence currently goes: a running test's result or a fixture's set-up/tear-down result. All changes to
/// the result tree go through this object's lock, so steps running in parallel inside one test are safe.
/// </summary>
public sealed class EvidenceTarget
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _defaultLabelNames = new(StringComparer.Ordinal);

    public EvidenceTarget(AllureExecutable root, AllureResultsWriter writer)
    {
        Root = root ?? throw new ArgumentNullException(nameof(root));
        Writer = writer ?? throw new ArgumentNullException(nameof(writer));
    }

    public AllureExecutable Root { get; }

    public AllureResultsWriter Writer { get; }

    internal void AddStep(AllureStep? parent, AllureStep step)
    {
        lock (_gate) (parent ?? (AllureExecutable)Root).Steps.Add(step);
    }

    internal void CompleteStep(AllureStep step, AllureStatus status, AllureStatusDetails? details, string? name = null)
    {
        lock (_gate)
        {
            if (name is not null) step.Name = name;
            step.Stop = AllureJson.Now();
            step.Status = status;
            step.StatusDetails = details;
            step.Stage = AllureStage.Finished;
        }
    }

    /// <summary>Renames a finished step and changes its status (a later, better-informed verdict on it); its timing stays.</summary>
    internal void Reconclude(AllureStep step, string name, AllureStatus status, AllureStatusDetails? details)
    {
        lock (_gate)
        {
            step.Name = name;
            step.Status = status;
            step.StatusDetails = details;
        }
    }

    internal void AddAttachment(AllureStep? step, AllureAttachment attachment)
    {
        lock (_gate) (step ?? (AllureExecutable)Root).Attachments.Add(attachment);
    }

    internal void AddParameter(AllureStep? step, AllureParameter parameter)
    {
        lock (_gate)
        {
            var list = (step ?? (AllureExecutable)Root).Parameters;
            list.RemoveAll(p => p.Name == parameter.Name);
            list.Add(parameter);
        }
    }

    /// <summary>Adds labels computed from the test's metadata; an explicit <see cref="AddLabel"/> of the same name replaces them.</summary>
    public void AddDefaultLabels(IEnumerable<AllureLabel> labels)
    {
        if (Root is not AllureResult result) return;
        lock (_gate)
        {
            foreach (var label in labels)
            {
                result.Labels.Add(label);
                _defaultLabelNames.Add(label.Name);
            }
        }
    }

    public void AddLabel(AllureLabel label)
    {
        if (Root is not AllureResult result) return;
        lock (_gate)
        {
            if (_defaultLabelNames.Remove(label.Name) || AllureLabels.IsSingleValued(label.Name))
                result.Labels.RemoveAll(l => l.Name == label.Name);
            result.Labels.Add(label);
        }
    }

    public void AddLink(AllureLink link)
    {
        if (Root is not AllureResult result) return;
        lock (_gate) result.Links.Add(link);
    }

    /// <summary>Adds an HTML block to the test's description (after any block added before; a plain description comes first).</summary>
    public void AddDescriptionHtml(string html)
    {
        if (Root is not AllureResult result) return;
        lock (_gate)
        {
            if (result.DescriptionHtml is null && !string.IsNullOrWhiteSpace(result.Description))
                result.DescriptionHtml = "<p>" + System.Net.WebUtility.HtmlEncode(result.Description) + "</p>\n";
            result.DescriptionHtml += html;
        }
    }

    /// <summary>Closes the root (and any step still open) and hands the result to <paramref name="write"/> under the lock.</summary>
    internal void Finish(AllureStatus status, AllureStatusDetails? details, long? stop, Action<AllureExecutable> write)
    {
        lock (_gate)
        {
            var end = stop ?? AllureJson.Now();
            CloseOpenSteps(Root.Steps, end);
            Root.Status = status;
            Root.StatusDetails = details;
            Root.Stage = AllureStage.Finished;
            Root.Stop = end;
            write(Root);
        }
    }

    private static void CloseOpenSteps(List<AllureStep> steps, long end)
    {
        foreach (var step in steps)
        {
            CloseOpenSteps(step.Steps, end);
            if (step.Stage == AllureStage.Finished) continue;
            step.Stage = AllureStage.Interrupted;
            step.Status = AllureStatus.Broken;
            step.StatusDetails = new AllureStatusDetails("the step was still running when its test ended", null);
            step.Stop = end;
        }
    }
}
