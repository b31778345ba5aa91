namespace BashCni.Harness.Reporting;

/// <summary>
/// What a test result, a step and a fixture (set-up/tear-down) result share: a name, an outcome, timings in epoch
/// milliseconds, nested steps, attachments and parameters. Lists are mutated only under the owning
/// <see cref="EvidenceTarget"/>'s lock.
/// </summary>
public abstract class AllureExecutable
{
    public string Name { get; set; } = "";

    public AllureStatus? Status { get; set; }

    public AllureStatusDetails? StatusDetails { get; set; }

    public AllureStage Stage { get; set; } = AllureStage.Running;

    public long Start { get; set; }

    public long Stop { get; set; }

    public List<AllureStep> Steps { get; init; } = [];

    public List<AllureAttachment> Attachments { get; init; } = [];

    public List<AllureParameter> Parameters { get; init; } = [];
}
