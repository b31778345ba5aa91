namespace BashCni.Harness.Reporting;

/// <summary>
/// What tests call to leave evidence in the report: steps (nested, timed), attachments, parameters, labels.
/// Outside a test (or when reporting is off) the calls just run the body.
/// </summary>
public static class Evidence
{
    public static async Task<T> StepAsync<T>(string name, Func<Task<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return await body().ConfigureAwait(false);
    }

    public static async Task StepAsync(string name, Func<Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        await body().ConfigureAwait(false);
    }

    /// <summary>Attaches text to the current step (or the test when no step is open).</summary>
    public static void Attach(string name, string content, string mimeType = "text/plain", string extension = "txt")
    {
    }

    public static void Parameter(string name, string value)
    {
    }

    public static void Label(string name, string value)
    {
    }
}
