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
        var target = CurrentTarget;
        if (target is null) return await body().ConfigureAwait(false);

        var (step, failuresBefore) = Open(target, name);
        try
        {
            var value = await body().ConfigureAwait(false);
            Close(target, step, failuresBefore);
            return value;
        }
        catch (Exception exception)
        {
            target.CompleteStep(step, StatusOf(exception), AllureStatusDetails.FromException(exception));
            throw;
        }
    }

    public static async Task StepAsync(string name, Func<Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var target = CurrentTarget;
        if (target is null)
        {
            await body().ConfigureAwait(false);
            return;
        }

        var (step, failuresBefore) = Open(target, name);
        try
        {
            await body().ConfigureAwait(false);
            Close(target, step, failuresBefore);
        }
        catch (Exception exception)
        {
            target.CompleteStep(step, StatusOf(exception), AllureStatusDetails.FromException(exception));
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
        var target = CurrentTarget;
        if (target is null) return await body().ConfigureAwait(false);

        var (step, failuresBefore) = Open(target, name);
        T value;
        try
        {
            value = await body().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            target.CompleteStep(step, StatusOf(exception), AllureStatusDetails.FromException(exception));
            throw;
        }
        var conclusion = conclude(value);
        var failures = NUnitAllureHook.FailedAssertionCount() - failuresBefore;
        target.CompleteStep(step, failures > 0 ? AllureStatus.Failed : conclusion.Status,
            failures > 0 ? new AllureStatusDetails($"{failures} assertion(s) failed inside this step", null) : AllureStatusDetails.From(conclusion.Message, null),
            conclusion.Name);
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
        var target = CurrentTarget;
        if (target is null) return null;
        return CurrentStep(target) is { } step ? new StepHandle(target, step) : null;
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

    private static (AllureStep Step, int FailuresBefore) Open(EvidenceTarget target, string name)
    {
        var step = new AllureStep { Name = name, Start = AllureJson.Now(), Stage = AllureStage.Running };
        target.AddStep(CurrentStep(target), step);
        // Set inside the async caller: the value flows into the body and is restored when the caller returns.
        OpenStep.Value = new StepFrame(target, step);
        return (step, NUnitAllureHook.FailedAssertionCount());
    }

    private static void Close(EvidenceTarget target, AllureStep step, int failuresBefore)
    {
        // Assert.Multiple records failures without throwing: a step in which one was recorded failed.
        var failures = NUnitAllureHook.FailedAssertionCount() - failuresBefore;
        if (failures > 0)
            target.CompleteStep(step, AllureStatus.Failed,
                new AllureStatusDetails($"{failures} assertion(s) failed inside this step", null));
        else
            target.CompleteStep(step, AllureStatus.Passed, null);
    }

    /// <summary>failed for an assertion, skipped for Assert.Ignore, passed for Assert.Pass, broken for anything else.</summary>
    public static AllureStatus StatusOf(Exception exception) => exception switch
    {
        SuccessException => AllureStatus.Passed,
        IgnoreException => AllureStatus.Skipped,
        AssertionException or MultipleAssertException => AllureStatus.Failed,
        _ => AllureStatus.Broken,
    };

    private sealed record StepFrame(EvidenceTarget Target, AllureStep Step);

    private sealed class Restore(EvidenceTarget? target, StepFrame? frame) : IDisposable
    {
        public void Dispose()
        {
            Redirected.Value = target;
            OpenStep.Value = frame;
        }
    }
}
