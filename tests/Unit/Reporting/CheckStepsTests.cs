using System.Text.Json.Nodes;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Reporting;

/// <summary>A check's outcome recorded as a compact step with one sub-step per compared value (<see cref="CheckSteps"/>).</summary>
[Category("Unit")]
[Feature("Allure results")]
public sealed class CheckStepsTests
{
    private ScratchResults _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = new ScratchResults();

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    [Test]
    public async Task APassedCheckShowsEachComparedValueAsAGreenStepWithoutAttachments()
    {
        var json = await _scratch.RecordAsync(() =>
        {
            CheckSteps.Record("ADD result matches the kernel", [],
                [CheckComparison.Equal("result cniVersion", "1.1.0", "1.1.0"), new CheckComparison("ips[0] address", "inside 10.244.1.0/24", "10.244.1.5/24", true)],
                detail: "ADD 1.1.0: 10.244.1.5/24");
            return Task.CompletedTask;
        });
        var step = json["steps"]![0]!.AsObject();
        var children = step["steps"]!.AsArray().Select(n => n!.AsObject()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That((string?)step["name"], Is.EqualTo("check: ADD result matches the kernel — ADD 1.1.0: 10.244.1.5/24"));
            Assert.That((string?)step["status"], Is.EqualTo("passed"));
            Assert.That(children.Select(c => (string?)c["name"]), Is.EqualTo(new[] { "result cniVersion: 1.1.0", "ips[0] address: 10.244.1.5/24 (expected inside 10.244.1.0/24)" }));
            Assert.That(children.Select(c => (string?)c["status"]), Is.All.EqualTo("passed"));
            Assert.That(AllAttachments(json), Is.Empty, "the check leaves no attachment");
            Assert.That(_scratch.Files("*-attachment*"), Is.Empty);
        });
    }

    [Test]
    public async Task AFailedCheckIsRedWithTheAnswerAsMessageAndEachProblemOnce()
    {
        var differs = new CheckComparison("pod eth0 MAC", "0a:58:00:00:00:01", "0a:58:00:00:00:02", false);
        var json = await _scratch.RecordAsync(() =>
        {
            CheckSteps.Record("ADD result matches the kernel", [differs.Line, "pod cannot ping its gateway 10.244.1.1"],
                [CheckComparison.Equal("result cniVersion", "1.1.0", "1.1.0"), differs]);
            return Task.CompletedTask;
        }, AllureStatus.Failed);
        var step = json["steps"]![0]!.AsObject();
        var children = step["steps"]!.AsArray().Select(n => n!.AsObject()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That((string?)step["status"], Is.EqualTo("failed"));
            Assert.That((string?)step["name"], Is.EqualTo("check: ADD result matches the kernel — 2 problems"));
            Assert.That((string?)step["statusDetails"]!["message"],
                Is.EqualTo("ADD result matches the kernel: pod eth0 MAC: expected 0a:58:00:00:00:01, observed 0a:58:00:00:00:02 (+1 more problem)"));
            Assert.That(children.Select(c => (string?)c["name"]), Is.EqualTo(new[]
            {
                "result cniVersion: 1.1.0",
                "pod eth0 MAC: expected 0a:58:00:00:00:01, observed 0a:58:00:00:00:02",
                "pod cannot ping its gateway 10.244.1.1",
            }), "the differing comparison is not repeated as a problem");
            Assert.That(children.Select(c => (string?)c["status"]), Is.EqualTo(new[] { "passed", "failed", "failed" }));
        });
    }

    private static List<JsonNode> AllAttachments(JsonObject node)
    {
        var found = new List<JsonNode>();
        if (node["attachments"] is JsonArray own) found.AddRange(own.OfType<JsonNode>());
        if (node["steps"] is JsonArray steps)
            foreach (var step in steps.OfType<JsonObject>()) found.AddRange(AllAttachments(step));
        return found;
    }
}
