using NUnit.Framework;

namespace BashCni.Harness.Reporting;

/// <summary>
/// What tests call to leave evidence in the report: steps (nested, timed), attachments, parameters, labels.
/// Outside a test (or when reporting is off) the calls just run the body.
/// </summary>
/// <remarks>
/// The target is the running test's result (found through NUnit's current test, or set with
/// <see cref="AllureTestCase.Activate"/>); during a fixture's one-time set-up or tear-down it is that fixture's
/// set-up/tear-down result. The open step is kept per async flow, so steps started in parallel
/// (<c>Task.WhenAll</c>) each nest under the step that started them.
/// </remarks>
public static class Evidence
{
    private static readonly AsyncLocal<EvidenceTarget?> Redirected = new();
    private static readonly AsyncLocal<StepFrame?> OpenStep = new();

    public static async Task<T> StepAsync<T>(string name, Func<Task<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var frame = Open(name);
        if (frame is null) return await body().ConfigureAwait(false);
        try
        {
            var value = await body().ConfigureAwait(false);
            Close(frame);
            return value;
        }
        catch (Exception exception)
        {
            Fail(frame, exception);
            throw;
        }
    }

    public static async Task StepAsync(string name, Func<Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var frame = Open(name);
        if (frame is null)
        {
            await body().ConfigureAwait(false);
            return;
        }
        try
        {
            await body().ConfigureAwait(false);
            Close(frame);
        }
        catch (Exception exception)
        {
            Fail(frame, exception);
            throw;
        }
    }

    /// <summary>
    /// A step whose name and status are decided from its value once the body returned (e.g. a plugin call named after
    /// its outcome: "ADD eth0 → 10.244.1.5/24 (exit 0, 14 ms)", red when the outcome is not the expected one).
    /// An assertion failing inside the body still marks the step failed; an exception still marks it as the exception says.
    /// </summary>
    public static async Task<T> StepAsync<T>(string name, Func<Task<T>> body, Func<T, StepConclusion> conclude)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(conclude);
        var frame = Open(name);
        if (frame is null) return await body().ConfigureAwait(false);
        T value;
        try
        {
            value = await body().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Fail(frame, exception);
            throw;
        }
        var conclusion = conclude(value);
        var failures = NUnitAllureHook.FailedAssertionCount() - frame.FailuresBefore;
        var status = failures > 0 ? AllureStatus.Failed : conclusion.Status;
        var message = failures > 0 ? $"{failures} assertion(s) failed inside this step" : conclusion.Message;
        if (frame.Target is not null && frame.Step is not null)
            frame.Target.CompleteStep(frame.Step, status, AllureStatusDetails.From(message, null), conclusion.Name);
        frame.Record?.Conclude(conclusion.Name, IsFailure(status), message);
        return value;
    }

    /// <summary>
    /// Adds a step that already happened (a check's outcome, decided from values): finished now, with the given
    /// status, message and finished sub-steps, under the step open in this async flow (or the test).
    /// </summary>
    public static void FinishedStep(string name, AllureStatus status, string? message = null, IEnumerable<AllureStep>? children = null)
    {
        var target = CurrentTarget;
        if (target is null) return;
        var now = AllureJson.Now();
        var step = new AllureStep { Name = name, Start = now, Stop = now, Status = status, Stage = AllureStage.Finished,
            StatusDetails = AllureStatusDetails.From(message, null) };
        if (children is not null) step.Steps.AddRange(children);
        target.AddStep(CurrentStep(target), step);
    }

    /// <summary>The step open in this async flow (inside a <see cref="StepAsync(string, Func{Task})"/> body), to conclude it again later.</summary>
    public static StepHandle? CurrentStepHandle()
    {
        var frame = OpenStep.Value;
        if (frame is null) return null;
        var target = CurrentTarget;
        return ReferenceEquals(frame.Target, target) || frame.Target is null ? new StepHandle(frame.Target, frame.Step, frame.Record) : null;
    }

    /// <summary>Attaches text to the current step (or the test when no step is open).</summary>
    public static void Attach(string name, string content, string mimeType = "text/plain", string extension = "txt")
    {
        var target = CurrentTarget;
        if (target is null) return;
        // An empty attachment tells a reader nothing and costs a click: leave it out.
        if (string.IsNullOrWhiteSpace(content)) return;
        var attachment = target.Writer.WriteAttachment(name, content ?? "", mimeType, extension);
        target.AddAttachment(CurrentStep(target), attachment);
    }

    /// <summary>Attaches bytes (an image, an archive) to the current step or test.</summary>
    public static void AttachBytes(string name, byte[] content, string mimeType, string extension)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = CurrentTarget;
        if (target is null || content.Length == 0) return;
        var attachment = target.Writer.WriteAttachment(name, content, mimeType, extension);
        target.AddAttachment(CurrentStep(target), attachment);
    }

    /// <summary>Attaches a copy of a file (a plugin log, a config); the mime type follows the extension unless given.</summary>
    public static void AttachFile(string name, string path, string? mimeType = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var target = CurrentTarget;
        if (target is null) return;
        var extension = Path.GetExtension(path).TrimStart('.');
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0) return;
        var attachment = target.Writer.WriteAttachment(name, bytes, mimeType ?? MimeTypes.ForExtension(extension),
            extension.Length > 0 ? extension : "txt");
        target.AddAttachment(CurrentStep(target), attachment);
    }

    /// <summary>Records a parameter on the current step (or the test when no step is open); a later value replaces an earlier one.</summary>
    public static void Parameter(string name, string value)
    {
        var target = CurrentTarget;
        if (target is null) return;
        target.AddParameter(CurrentStep(target), new AllureParameter(name, value ?? "null"));
    }

    /// <summary>
    /// Adds an HTML block to the top of the test's page (the description): shown whole, sized to its content, where a
    /// reviewer opening the test looks first. Scripts and style blocks are removed by the report; use inline styles.
    /// </summary>
    public static void DescriptionHtml(string html)
    {
        var target = CurrentTarget;
        if (target is null || string.IsNullOrWhiteSpace(html)) return;
        target.AddDescriptionHtml(html);
    }

    /// <summary>Adds a label to the test (epic, feature, story, severity, tag, owner, …); it replaces a computed default of that name.</summary>
    public static void Label(string name, string value)
    {
        var target = CurrentTarget;
        if (target is null) return;
        target.AddLabel(new AllureLabel(name, value ?? ""));
    }

    /// <summary>Adds a link to the test (type link, issue or tms).</summary>
    public static void Link(string name, string url, string type = "link")
    {
        var target = CurrentTarget;
        if (target is null) return;
        target.AddLink(new AllureLink(name, url, type));
    }

    /// <summary>True when evidence calls made here end up in a report.</summary>
    public static bool IsRecording => CurrentTarget is not null;

    internal static IDisposable Redirect(EvidenceTarget target)
    {
        var previous = (Redirected.Value, OpenStep.Value);
        Redirected.Value = target;
        OpenStep.Value = null;
        return new Restore(previous.Item1, previous.Item2);
    }

    private static EvidenceTarget? CurrentTarget => Redirected.Value ?? NUnitAllureHook.CurrentTarget();

    private static AllureStep? CurrentStep(EvidenceTarget target)
    {
        var frame = OpenStep.Value;
        return frame is not null && ReferenceEquals(frame.Target, target) ? frame.Step : null;
    }

    // A step is recorded in the report (when one is written) and, for a running NUnit test, in RedSteps (whether or not
    // a report is written; steps of a redirected scratch result belong to that result, not to the test writing it).
    private static StepFrame? Open(string name)
    {
        var target = CurrentTarget;
        var record = Redirected.Value is null ? RedSteps.Open(name) : null;
        if (target is null && record is null) return null;
        AllureStep? step = null;
        if (target is not null)
        {
            step = new AllureStep { Name = name, Start = AllureJson.Now(), Stage = AllureStage.Running };
            target.AddStep(CurrentStep(target), step);
        }
        // Set inside the async caller: the value flows into the body and is restored when the caller returns.
        var frame = new StepFrame(target, step, record, NUnitAllureHook.FailedAssertionCount());
        OpenStep.Value = frame;
        return frame;
    }

    private static void Close(StepFrame frame)
    {
        // Assert.Multiple records failures without throwing: a step in which one was recorded failed.
        var failures = NUnitAllureHook.FailedAssertionCount() - frame.FailuresBefore;
        var message = failures > 0 ? $"{failures} assertion(s) failed inside this step" : null;
        if (frame.Target is not null && frame.Step is not null)
            frame.Target.CompleteStep(frame.Step, failures > 0 ? AllureStatus.Failed : AllureStatus.Passed,
                message is null ? null : new AllureStatusDetails(message, null));
        frame.Record?.Conclude(null, failures > 0, message);
    }

    private static void Fail(StepFrame frame, Exception exception)
    {
        var status = StatusOf(exception);
        if (frame.Target is not null && frame.Step is not null)
            frame.Target.CompleteStep(frame.Step, status, AllureStatusDetails.FromException(exception));
        frame.Record?.Conclude(null, IsFailure(status), $"{exception.GetType().Name}: {exception.Message}");
    }

    internal static bool IsFailure(AllureStatus status) => status is AllureStatus.Failed or AllureStatus.Broken;

    /// <summary>failed for an assertion, skipped for Assert.Ignore, passed for Assert.Pass, broken for anything else.</summary>
    public static AllureStatus StatusOf(Exception exception) => exception switch
    {
        SuccessException => AllureStatus.Passed,
        IgnoreException => AllureStatus.Skipped,
        AssertionException or MultipleAssertException => AllureStatus.Failed,
        _ => AllureStatus.Broken,
    };

    private sealed record StepFrame(EvidenceTarget? Target, AllureStep? Step, StepRecord? Record, int FailuresBefore);

    private sealed class Restore(EvidenceTarget? target, StepFrame? frame) : IDisposable
    {
        public void Dispose()
        {
            Redirected.Value = target;
            OpenStep.Value = frame;
        }
    }
}
