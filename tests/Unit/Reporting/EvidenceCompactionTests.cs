using System.Text.Json.Nodes;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Reporting;

/// <summary>
/// A passed test's per-step text evidence is merged into one attachment per step; a failed test keeps every
/// attachment; test output repeating an attachment refers to it (<see cref="EvidenceCompaction"/>).
/// </summary>
[Category("Unit")]
[Feature("Allure results")]
public sealed class EvidenceCompactionTests
{
    private ScratchResults _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = new ScratchResults();

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    private static async Task OnePluginCall()
    {
        await Evidence.StepAsync("ADD eth0 → 10.244.1.2/24 (exit 0, 9 ms)", () =>
        {
            Evidence.Attach("env", "CNI_COMMAND=ADD\nCNI_IFNAME=eth0\n");
            Evidence.Attach("stdin", "{\"cniVersion\":\"1.1.0\"}", "application/json", "json");
            Evidence.Attach("stdout", "{\"ips\":[]}", "application/json", "json");
            Evidence.Attach("exit", "exit code 0\n");
            return Task.CompletedTask;
        });
    }

    [Test]
    public async Task APassedTestKeepsOneAttachmentPerStepHoldingEveryPart()
    {
        var json = await _scratch.RecordAsync(OnePluginCall);
        var attachments = json["steps"]![0]!["attachments"]!.AsArray();
        var source = (string)attachments[0]!["source"]!;
        var text = await File.ReadAllTextAsync(Path.Combine(_scratch.Directory, source));
        Assert.Multiple(() =>
        {
            Assert.That(attachments, Has.Count.EqualTo(1));
            Assert.That((string?)attachments[0]!["name"], Is.EqualTo("env · stdin · stdout · exit"));
            Assert.That((string?)attachments[0]!["type"], Is.EqualTo("text/plain"));
            Assert.That(text, Is.EqualTo("── env ──\nCNI_COMMAND=ADD\nCNI_IFNAME=eth0\n\n── stdin ──\n{\"cniVersion\":\"1.1.0\"}\n\n── stdout ──\n{\"ips\":[]}\n\n── exit ──\nexit code 0\n"));
            Assert.That(_scratch.Files("*-attachment*"), Is.EqualTo(new[] { source }), "the parts' files are gone, the merged one stays");
        });
    }

    [Test]
    public async Task AFailedTestKeepsEveryAttachmentAsRecorded()
    {
        var json = await _scratch.RecordAsync(OnePluginCall, AllureStatus.Failed);
        var names = json["steps"]![0]!["attachments"]!.AsArray().Select(a => (string?)a!["name"]);
        Assert.Multiple(() =>
        {
            Assert.That(names, Is.EqualTo(new[] { "env", "stdin", "stdout", "exit" }));
            Assert.That(_scratch.Files("*-attachment*"), Has.Count.EqualTo(4));
        });
    }

    [Test]
    public async Task AFailedStepOfAPassedTestKeepsItsAttachments()
    {
        var json = await _scratch.RecordAsync(async () =>
        {
            try
            {
                await Evidence.StepAsync("DEL eth0", () =>
                {
                    Evidence.Attach("stdout", "{}");
                    Evidence.Attach("stderr", "boom");
                    throw new InvalidOperationException("boom");
                });
            }
            catch (InvalidOperationException)
            {
            }
        });
        Assert.That(json["steps"]![0]!["attachments"]!.AsArray(), Has.Count.EqualTo(2));
    }

    [Test]
    public void OutputRepeatingAnAttachmentRefersToIt()
    {
        var log = string.Join('\n', Enumerable.Range(1, 20).Select(i => $"2026-12-07T23:00:{i:00} ADD container-{i} eth0 → 10.244.1.{i}"));
        var testCase = _scratch.NewTestCase();
        using (testCase.Activate()) Evidence.Attach("plugin log tail", log);
        var output = $"==== plugin log tail\n{log}\n==== short\nab\n";
        var shortened = EvidenceCompaction.WithoutRepeatedAttachments(output, testCase.Result, _scratch.Writer);
        Assert.That(shortened, Is.EqualTo("==== plugin log tail\n[attached: plugin log tail]\n==== short\nab\n"));
    }

    [Test]
    public void AFixturePhaseIsShownOnItsTestsOnlyWhenItHasSomethingToShow()
    {
        var empty = new AllureStep { Name = "OneTimeSetUp: StartAsync", Status = AllureStatus.Passed };
        var withSteps = new AllureStep { Name = "OneTimeSetUp: StartNodesAsync", Status = AllureStatus.Passed, Steps = { new AllureStep { Name = "node 1" } } };
        var withAttachment = new AllureStep { Name = "OneTimeTearDown", Status = AllureStatus.Passed, Attachments = { new AllureAttachment("leftovers", "x-attachment.txt", "text/plain") } };
        var broken = new AllureStep { Name = "OneTimeTearDown: StopAsync", Status = AllureStatus.Broken };
        Assert.Multiple(() =>
        {
            Assert.That(NUnitAllureHook.CarriesEvidence(empty), Is.False);
            Assert.That(NUnitAllureHook.CarriesEvidence(withSteps), Is.True);
            Assert.That(NUnitAllureHook.CarriesEvidence(withAttachment), Is.True);
            Assert.That(NUnitAllureHook.CarriesEvidence(broken), Is.True);
        });
    }
}
