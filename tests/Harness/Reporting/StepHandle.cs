namespace BashCni.Harness.Reporting;

/// <summary>A step of the report kept to be concluded again later (e.g. a plugin call a test later checks for an expected error).</summary>
public sealed class StepHandle
{
    private readonly EvidenceTarget _target;
    private readonly AllureStep _step;

    internal StepHandle(EvidenceTarget target, AllureStep step)
    {
        _target = target;
        _step = step;
    }

    /// <summary>Renames the step and sets its status; a later call wins.</summary>
    public void Conclude(StepConclusion conclusion)
    {
        ArgumentNullException.ThrowIfNull(conclusion);
        _target.Reconclude(_step, conclusion.Name, conclusion.Status, AllureStatusDetails.From(conclusion.Message, null));
    }
}
