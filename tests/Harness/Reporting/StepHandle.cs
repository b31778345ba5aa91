namespace BashCni.Harness.Reporting;

/// <summary>A step kept to be concluded again later (e.g. a plugin call a test later checks for an expected error).</summary>
public sealed class StepHandle
{
    private readonly EvidenceTarget? _target;
    private readonly AllureStep? _step;
    private readonly StepRecord? _record;

    internal StepHandle(EvidenceTarget? target, AllureStep? step, StepRecord? record)
    {
        _target = target;
        _step = step;
        _record = record;
    }

    /// <summary>Renames the step and sets its status, in the report and in the test's verdict; a later call wins.</summary>
    public void Conclude(StepConclusion conclusion)
    {
        ArgumentNullException.ThrowIfNull(conclusion);
        if (_target is not null && _step is not null)
            _target.Reconclude(_step, conclusion.Name, conclusion.Status, AllureStatusDetails.From(conclusion.Message, null));
        _record?.Conclude(conclusion.Name, Evidence.IsFailure(conclusion.Status), conclusion.Message);
    }
}
