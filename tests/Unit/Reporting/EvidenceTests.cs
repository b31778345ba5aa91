using System.Text.Json.Nodes;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Reporting;

/// <summary>Steps, attachments, parameters and labels recorded through <see cref="Evidence"/>, read back from the result file.</summary>
[Category("Unit")]
[Feature("Allure results")]
public sealed class EvidenceTests
{
    private ScratchResults _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = new ScratchResults();

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    [Test]
    public async Task StepsNestAndCarryTheirTimingAndStatus()
    {
        var json = await _scratch.RecordAsync(async () =>
        {
            var value = await Evidence.StepAsync("outer", async () =>
            {
                await Evidence.StepAsync("inner", () => Task.Delay(15));
                return 42;
            });
            Assert.That(value, Is.EqualTo(42), "StepAsync returns the body's value");
        });

        var outer = Step(json, 0);
        var inner = outer["steps"]![0]!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That(json["steps"]!.AsArray(), Has.Count.EqualTo(1));
            Assert.That((string?)outer["name"], Is.EqualTo("outer"));
            Assert.That((string?)outer["status"], Is.EqualTo("passed"));
            Assert.That((string?)outer["stage"], Is.EqualTo("finished"));
            Assert.That((string?)inner["name"], Is.EqualTo("inner"));
            Assert.That((long)inner["stop"]! - (long)inner["start"]!, Is.GreaterThanOrEqualTo(10), "the inner step lasted its delay");
            Assert.That((long)outer["start"]!, Is.LessThanOrEqualTo((long)inner["start"]!));
            Assert.That((long)outer["stop"]!, Is.GreaterThanOrEqualTo((long)inner["stop"]!));
        });
    }

    [Test]
    public async Task AnAssertionFailingInAStepMarksItFailedAndIsRethrown()
    {
        var thrown = new AssertionException("expected 2 but was 1");
        Exception? caught = null;
        var json = await _scratch.RecordAsync(async () =>
        {
            try
            {
                await Evidence.StepAsync("check", () => Task.FromException(thrown));
            }
            catch (AssertionException e)
            {
                caught = e;
            }
        });

        var step = Step(json, 0);
        Assert.Multiple(() =>
        {
            Assert.That(caught, Is.SameAs(thrown), "the step rethrows the same exception");
            Assert.That((string?)step["status"], Is.EqualTo("failed"));
            Assert.That((string?)step["statusDetails"]!["message"], Is.EqualTo("expected 2 but was 1"));
            Assert.That((string?)step["statusDetails"]!["trace"], Does.Contain(nameof(AssertionException)));
        });
    }

    [Test]
    public async Task AnyOtherExceptionInAStepMarksItBrokenAndItsParentsToo()
    {
        var json = await _scratch.RecordAsync(async () =>
        {
            var thrown = Assert.ThrowsAsync<InvalidOperationException>(() =>
                Evidence.StepAsync("outer", () => Evidence.StepAsync<int>("inner", () => throw new InvalidOperationException("no such netns"))));
            Assert.That(thrown!.Message, Is.EqualTo("no such netns"));
            await Task.CompletedTask;
        });

        var outer = Step(json, 0);
        Assert.Multiple(() =>
        {
            Assert.That((string?)outer["status"], Is.EqualTo("broken"));
            Assert.That((string?)outer["steps"]![0]!["status"], Is.EqualTo("broken"));
            Assert.That((string?)outer["steps"]![0]!["statusDetails"]!["message"], Is.EqualTo("no such netns"));
        });
    }

    [Test]
    public void StatusOfAnExceptionFollowsNUnitsMeaning()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Evidence.StatusOf(new AssertionException("a")), Is.EqualTo(AllureStatus.Failed));
            Assert.That(Evidence.StatusOf(new IgnoreException("i")), Is.EqualTo(AllureStatus.Skipped));
            Assert.That(Evidence.StatusOf(new SuccessException("s")), Is.EqualTo(AllureStatus.Passed));
            Assert.That(Evidence.StatusOf(new InconclusiveException("?")), Is.EqualTo(AllureStatus.Broken));
            Assert.That(Evidence.StatusOf(new TimeoutException()), Is.EqualTo(AllureStatus.Broken));
        });
    }

    [Test]
    public async Task ParallelStepsEachNestUnderTheStepThatStartedThem()
    {
        var json = await _scratch.RecordAsync(() => Evidence.StepAsync("fan out", () =>
            Task.WhenAll(Enumerable.Range(0, 8).Select(i => Evidence.StepAsync($"branch {i}", async () =>
            {
                await Task.Yield();
                await Evidence.StepAsync($"leaf {i}", () => Task.Delay(i));
                Evidence.Attach($"note {i}", $"branch {i}");
            })))));

        var branches = Step(json, 0)["steps"]!.AsArray().Select(n => n!.AsObject()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(json["steps"]!.AsArray(), Has.Count.EqualTo(1), "no branch leaked to the top level");
            Assert.That(branches.Select(b => (string?)b["name"]), Is.EquivalentTo(Enumerable.Range(0, 8).Select(i => $"branch {i}")));
            foreach (var branch in branches)
            {
                var index = ((string)branch["name"]!)["branch ".Length..];
                Assert.That(branch["steps"]!.AsArray().Select(n => (string?)n!["name"]), Is.EqualTo(new[] { $"leaf {index}" }));
                Assert.That(branch["attachments"]!.AsArray().Select(n => (string?)n!["name"]), Is.EqualTo(new[] { $"note {index}" }));
            }
        });
    }

    [Test]
    public async Task AttachmentsGoToTheOpenStepOrElseTheTest()
    {
        var json = await _scratch.RecordAsync(async () =>
        {
            Evidence.Attach("top", "t");
            await Evidence.StepAsync("call", () =>
            {
                Evidence.Attach("stdin", "{\"cniVersion\":\"0.3.1\"}", "application/json", "json");
                return Task.CompletedTask;
            });
        });

        var stepAttachment = Step(json, 0)["attachments"]![0]!;
        var source = (string)stepAttachment["source"]!;
        Assert.Multiple(() =>
        {
            Assert.That(json["attachments"]!.AsArray().Select(a => (string?)a!["name"]), Is.EqualTo(new[] { "top" }));
            Assert.That((string?)stepAttachment["name"], Is.EqualTo("stdin"));
            Assert.That((string?)stepAttachment["type"], Is.EqualTo("application/json"));
            Assert.That(File.ReadAllText(Path.Combine(_scratch.Directory, source)), Is.EqualTo("{\"cniVersion\":\"0.3.1\"}"));
        });
    }

    [Test]
    public async Task AttachFileCopiesTheFileAndGuessesItsType()
    {
        var file = Path.Combine(_scratch.Directory, "conf.json");
        await File.WriteAllTextAsync(file, "{}");
        var json = await _scratch.RecordAsync(() =>
        {
            Evidence.AttachFile("network config", file);
            return Task.CompletedTask;
        });

        var attachment = json["attachments"]![0]!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)attachment["type"], Is.EqualTo("application/json"));
            Assert.That((string?)attachment["source"], Does.EndWith("-attachment.json"));
        });
    }

    [Test]
    public async Task ParametersGoToTheOpenStepAndALaterValueReplacesAnEarlierOne()
    {
        var json = await _scratch.RecordAsync(async () =>
        {
            Evidence.Parameter("cniVersion", "0.3.1");
            Evidence.Parameter("cniVersion", "1.0.0");
            await Evidence.StepAsync("ADD", () =>
            {
                Evidence.Parameter("CNI_IFNAME", "eth0");
                return Task.CompletedTask;
            });
        });

        Assert.Multiple(() =>
        {
            Assert.That(json["parameters"]!.AsArray().Select(p => $"{p!["name"]}={p["value"]}"), Is.EqualTo(new[] { "cniVersion=1.0.0" }));
            Assert.That((string?)Step(json, 0)["parameters"]![0]!["value"], Is.EqualTo("eth0"));
        });
    }

    [Test]
    public async Task AnExplicitLabelReplacesTheComputedDefaultOfTheSameName()
    {
        var testCase = _scratch.NewTestCase();
        testCase.Target.AddDefaultLabels([new AllureLabel("feature", "Ipam"), new AllureLabel("severity", "normal"), new AllureLabel("tag", "Unit")]);
        using (testCase.Activate())
        {
            Evidence.Label("feature", "Address release");
            Evidence.Label("severity", "critical");
            Evidence.Label("severity", "blocker");
            Evidence.Label("tag", "slow");
            Evidence.Link("CNI spec", "https://example.invalid/spec");
            await Task.CompletedTask;
        }
        var json = ScratchResults.ReadJson(testCase.Finish(AllureStatus.Passed)!);

        var labels = json["labels"]!.AsArray().Select(l => $"{l!["name"]}={l["value"]}").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(labels, Does.Contain("feature=Address release").And.Not.Contain("feature=Ipam"));
            Assert.That(labels.Count(l => l.StartsWith("severity=", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That(labels, Does.Contain("severity=blocker"));
            Assert.That(labels, Does.Contain("tag=slow"), "an explicit tag is kept");
            Assert.That((string?)json["links"]![0]!["url"], Is.EqualTo("https://example.invalid/spec"));
        });
    }

    [Test]
    public async Task AStepStillRunningWhenTheTestEndsIsMarkedInterrupted()
    {
        var release = new TaskCompletionSource();
        var testCase = _scratch.NewTestCase();
        Task pending;
        using (testCase.Activate())
            pending = Evidence.StepAsync("never finishes in time", () => release.Task);
        var json = ScratchResults.ReadJson(testCase.Finish(AllureStatus.Passed)!);
        release.SetResult();
        await pending;

        var step = Step(json, 0);
        Assert.Multiple(() =>
        {
            Assert.That((string?)step["stage"], Is.EqualTo("interrupted"));
            Assert.That((string?)step["status"], Is.EqualTo("broken"));
            Assert.That((string?)json["stage"], Is.EqualTo("finished"));
        });
    }

    [Test]
    public void FinishWritesTheResultOnlyOnce()
    {
        var testCase = _scratch.NewTestCase();
        var first = testCase.Finish(AllureStatus.Failed, new AllureStatusDetails("m", null));
        var second = testCase.Finish(AllureStatus.Passed);
        Assert.Multiple(() =>
        {
            Assert.That(first, Is.Not.Null);
            Assert.That(second, Is.Null);
            Assert.That((string?)ScratchResults.ReadJson(first!)["status"], Is.EqualTo("failed"));
            Assert.That(_scratch.Files("*-result.json"), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task WithoutATestToRecordInStepsJustRunTheirBody()
    {
        var ran = false;
        Task<bool> orphan;
        using (ExecutionContext.SuppressFlow())
        {
            // No NUnit context flows into this task: there is no test to record into.
            orphan = Task.Run(async () =>
            {
                await Evidence.StepAsync("orphan", () =>
                {
                    ran = true;
                    Evidence.Attach("ignored", "x");
                    return Task.CompletedTask;
                });
                return Evidence.IsRecording;
            });
        }
        var recording = await orphan;
        Assert.Multiple(() =>
        {
            Assert.That(ran, Is.True);
            Assert.That(recording, Is.False);
            Assert.That(_scratch.Files("*"), Is.Empty);
        });
    }

    private static JsonObject Step(JsonObject json, int index) => json["steps"]![index]!.AsObject();
}
