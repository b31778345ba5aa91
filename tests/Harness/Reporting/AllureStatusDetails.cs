namespace BashCni.Harness.Reporting;

/// <summary>Why a test or step ended as it did: the message and the stack trace.</summary>
public sealed record AllureStatusDetails(string? Message, string? Trace)
{
    public static AllureStatusDetails? From(string? message, string? trace) =>
        string.IsNullOrEmpty(message) && string.IsNullOrEmpty(trace) ? null : new AllureStatusDetails(message, trace);

    public static AllureStatusDetails FromException(Exception exception) =>
        new(exception.Message, exception.ToString());
}
