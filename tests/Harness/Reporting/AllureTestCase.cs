namespace BashCni.Harness.Reporting;

/// <summary>
/// A test whose result is being recorded: <see cref="Evidence"/> calls made while it is the current target land in
/// its result, and <see cref="Finish"/> writes <c>&lt;uuid&gt;-result.json</c>. The NUnit hook makes one per test;
/// <see cref="Activate"/> makes one current by hand (the writer's own tests do that).
/// </summary>
public sealed class AllureTestCase
{
    private int _finished;

    public AllureTestCase(AllureResultsWriter writer, AllureResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Result = result;
        if (result.Start == 0) result.Start = AllureJson.Now();
        result.Stage = AllureStage.Running;
        Target = new EvidenceTarget(result, writer);
    }

    public AllureResult Result { get; }

    public EvidenceTarget Target { get; }

    public bool IsFinished => Volatile.Read(ref _finished) == 1;

    /// <summary>Makes this test the target of <see cref="Evidence"/> calls in the current async flow until disposed.</summary>
    public IDisposable Activate() => Evidence.Redirect(Target);

    /// <summary>Ends the test and writes its result file (once); returns the file's path, or null when already finished.</summary>
    public string? Finish(AllureStatus status, AllureStatusDetails? details = null, long? stop = null)
    {
        if (Interlocked.Exchange(ref _finished, 1) == 1) return null;
        string? path = null;
        Target.Finish(status, details, stop, _ =>
        {
            // A passed test's per-step evidence is merged (EvidenceCompaction); a failed or broken one keeps it all.
            if (status == AllureStatus.Passed) EvidenceCompaction.CompactPassed(Result, Target.Writer);
            path = Target.Writer.WriteResult(Result);
        });
        return path;
    }
}
