using System.Text.Json.Nodes;
using BashCni.Harness.Reporting;

namespace BashCni.Tests.Unit.Reporting;

/// <summary>A private results directory and a test case recorded into it, read back as JSON.</summary>
internal sealed class ScratchResults : IDisposable
{
    public ScratchResults()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("bashcni-allure-").FullName;
        Writer = new AllureResultsWriter(Directory);
    }

    public string Directory { get; }

    public AllureResultsWriter Writer { get; }

    public AllureTestCase NewTestCase(string name = "Sample") =>
        new(Writer, new AllureResult { Name = name, FullName = "Scratch." + name, HistoryId = "h-" + name, TestCaseId = "t-" + name });

    public IReadOnlyList<string> Files(string pattern) =>
        System.IO.Directory.GetFiles(Directory, pattern).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    public static JsonObject ReadJson(string path) =>
        JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path} holds no JSON object");

    /// <summary>Records one test: runs <paramref name="body"/> with the test case current, finishes it as given, returns its JSON.</summary>
    public async Task<JsonObject> RecordAsync(Func<Task> body, AllureStatus status = AllureStatus.Passed)
    {
        ArgumentNullException.ThrowIfNull(body);
        var testCase = NewTestCase();
        using (testCase.Activate())
            await body();
        var path = testCase.Finish(status) ?? throw new InvalidOperationException("finished twice");
        return ReadJson(path);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
