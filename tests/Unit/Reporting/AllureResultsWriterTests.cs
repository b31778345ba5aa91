using System.Text.Json.Nodes;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Reporting;

/// <summary>The files the writer produces and the JSON field names and values the report reads.</summary>
[Category("Unit")]
[Feature("Allure results")]
public sealed class AllureResultsWriterTests
{
    private ScratchResults _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = new ScratchResults();

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    [Test]
    public void ResultFileIsNamedAfterTheUuidAndUsesTheAllureFieldNames()
    {
        var result = new AllureResult
        {
            Name = "Adds", FullName = "Ns.Fixture.Adds", HistoryId = "hist", TestCaseId = "case", Description = "what it does",
            Status = AllureStatus.Broken, StatusDetails = new AllureStatusDetails("boom", "at X"), Stage = AllureStage.Finished,
            Start = 1000, Stop = 2500,
        };
        result.TitlePath.AddRange(["Unit", "Fixture"]);
        result.Labels.Add(new AllureLabel("suite", "Fixture"));
        result.Parameters.Add(new AllureParameter("x", "1"));
        result.Links.Add(new AllureLink("spec", "https://example.invalid/spec", "tms"));

        var path = _scratch.Writer.WriteResult(result);
        var json = ScratchResults.ReadJson(path);

        Assert.Multiple(() =>
        {
            Assert.That(Path.GetFileName(path), Is.EqualTo($"{result.Uuid}-result.json"));
            Assert.That(Guid.TryParse(result.Uuid, out _), Is.True, "uuid is a GUID");
            Assert.That((string?)json["uuid"], Is.EqualTo(result.Uuid));
            Assert.That((string?)json["historyId"], Is.EqualTo("hist"));
            Assert.That((string?)json["testCaseId"], Is.EqualTo("case"));
            Assert.That((string?)json["fullName"], Is.EqualTo("Ns.Fixture.Adds"));
            Assert.That((string?)json["name"], Is.EqualTo("Adds"));
            Assert.That((string?)json["description"], Is.EqualTo("what it does"));
            Assert.That(json["titlePath"]!.AsArray().Select(n => (string?)n), Is.EqualTo(new[] { "Unit", "Fixture" }));
            Assert.That((string?)json["status"], Is.EqualTo("broken"));
            Assert.That((string?)json["stage"], Is.EqualTo("finished"));
            Assert.That((string?)json["statusDetails"]!["message"], Is.EqualTo("boom"));
            Assert.That((string?)json["statusDetails"]!["trace"], Is.EqualTo("at X"));
            Assert.That((long?)json["start"], Is.EqualTo(1000));
            Assert.That((long?)json["stop"], Is.EqualTo(2500));
            Assert.That((string?)json["labels"]![0]!["name"], Is.EqualTo("suite"));
            Assert.That((string?)json["labels"]![0]!["value"], Is.EqualTo("Fixture"));
            Assert.That((string?)json["parameters"]![0]!["name"], Is.EqualTo("x"));
            Assert.That((string?)json["links"]![0]!["type"], Is.EqualTo("tms"));
            Assert.That(json["steps"], Is.InstanceOf<JsonArray>());
            Assert.That(json["attachments"], Is.InstanceOf<JsonArray>());
        });
    }

    [TestCase(AllureStatus.Passed, "passed")]
    [TestCase(AllureStatus.Failed, "failed")]
    [TestCase(AllureStatus.Broken, "broken")]
    [TestCase(AllureStatus.Skipped, "skipped")]
    public void StatusIsWrittenInLowerCase(AllureStatus status, string expected)
    {
        var path = _scratch.Writer.WriteResult(new AllureResult { Name = "s", Status = status });
        Assert.That((string?)ScratchResults.ReadJson(path)["status"], Is.EqualTo(expected));
    }

    [Test]
    public void AbsentValuesAreLeftOutRatherThanWrittenAsNull()
    {
        var path = _scratch.Writer.WriteResult(new AllureResult { Name = "n" });
        var text = File.ReadAllText(path);
        var json = ScratchResults.ReadJson(path);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Not.Contain("null"));
            Assert.That(json.ContainsKey("description"), Is.False);
            Assert.That(json.ContainsKey("statusDetails"), Is.False);
        });
    }

    [Test]
    public void AttachmentBytesGoToAFileReferencedByItsName()
    {
        var attachment = _scratch.Writer.WriteAttachment("stdout", "{\"ok\":true}", "application/json", "json");

        Assert.Multiple(() =>
        {
            Assert.That(attachment.Source, Does.Match("^[0-9a-f-]{36}-attachment\\.json$"));
            Assert.That(attachment.Type, Is.EqualTo("application/json"));
            Assert.That(attachment.Name, Is.EqualTo("stdout"));
            Assert.That(File.ReadAllText(Path.Combine(_scratch.Directory, attachment.Source)), Is.EqualTo("{\"ok\":true}"));
        });
    }

    [Test]
    public void AnUnsafeExtensionCannotEscapeTheResultsDirectory()
    {
        var attachment = _scratch.Writer.WriteAttachment("x", "data", "text/plain", "../../etc/passwd");
        Assert.Multiple(() =>
        {
            Assert.That(attachment.Source, Does.EndWith("-attachment.bin"));
            Assert.That(File.Exists(Path.Combine(_scratch.Directory, attachment.Source)), Is.True);
        });
    }

    [Test]
    public void ContainerListsItsChildrenAndFixtureResults()
    {
        var container = new AllureContainer { Name = "Ns.Fixture", Start = 10, Stop = 90 };
        container.Children.AddRange(["a", "b"]);
        container.Befores.Add(new AllureStep { Name = "OneTimeSetUp", Status = AllureStatus.Passed, Stage = AllureStage.Finished, Start = 10, Stop = 20 });
        container.Afters.Add(new AllureStep { Name = "OneTimeTearDown", Status = AllureStatus.Failed, Stage = AllureStage.Finished, Start = 80, Stop = 90 });

        var path = _scratch.Writer.WriteContainer(container);
        var json = ScratchResults.ReadJson(path);

        Assert.Multiple(() =>
        {
            Assert.That(Path.GetFileName(path), Is.EqualTo($"{container.Uuid}-container.json"));
            Assert.That((string?)json["name"], Is.EqualTo("Ns.Fixture"));
            Assert.That(json["children"]!.AsArray().Select(n => (string?)n), Is.EqualTo(new[] { "a", "b" }));
            Assert.That((string?)json["befores"]![0]!["name"], Is.EqualTo("OneTimeSetUp"));
            Assert.That((string?)json["afters"]![0]!["status"], Is.EqualTo("failed"));
            Assert.That((long?)json["start"], Is.EqualTo(10));
            Assert.That((long?)json["stop"], Is.EqualTo(90));
        });
    }

    [Test]
    public void EnvironmentPropertiesMergeAcrossLayersAndSurviveSpecialCharacters()
    {
        _scratch.Writer.WriteEnvironment(new Dictionary<string, string> { ["layers"] = "Unit", ["os.kernel"] = "6.1" });
        _scratch.Writer.WriteEnvironment(new Dictionary<string, string> { ["os.kernel"] = "6.18", ["odd key=x"] = "a\\b\nc" });

        var read = _scratch.Writer.ReadEnvironment();
        var lines = File.ReadAllLines(Path.Combine(_scratch.Directory, "environment.properties"));

        Assert.Multiple(() =>
        {
            Assert.That(read["layers"], Is.EqualTo("Unit"), "an earlier layer's key is kept");
            Assert.That(read["os.kernel"], Is.EqualTo("6.18"), "the later value wins");
            Assert.That(read["odd key=x"], Is.EqualTo("a\\b\nc"));
            Assert.That(lines, Has.Length.EqualTo(3), "one line per key, newlines escaped");
        });
    }

    [Test]
    public void ExecutorIsPlainJson()
    {
        _scratch.Writer.WriteExecutor(new Dictionary<string, object> { ["name"] = "run-tests.sh", ["buildOrder"] = 7L });
        var json = ScratchResults.ReadJson(Path.Combine(_scratch.Directory, "executor.json"));
        Assert.Multiple(() =>
        {
            Assert.That((string?)json["name"], Is.EqualTo("run-tests.sh"));
            Assert.That((long?)json["buildOrder"], Is.EqualTo(7));
        });
    }

    [Test]
    public void NoTemporaryFilesRemainAfterWriting()
    {
        Parallel.For(0, 20, i => _scratch.Writer.WriteResult(new AllureResult { Name = $"t{i}" }));
        Assert.Multiple(() =>
        {
            Assert.That(_scratch.Files("*-result.json"), Has.Count.EqualTo(20));
            Assert.That(_scratch.Files(".*"), Is.Empty);
        });
    }

    [Test]
    public void ResultsDirectoryComesFromTheEnvironmentVariableWhenSet()
    {
        var configured = Environment.GetEnvironmentVariable("ALLURE_RESULTS_DIR");
        var expected = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(BashCni.Harness.RepoPaths.Root, "allure-results")
            : Path.GetFullPath(configured);
        Assert.That(AllureResultsWriter.DefaultDirectory(), Is.EqualTo(expected));
    }
}
