using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Reporting;

/// <summary>
/// The first line of a failed check is the answer: which check, which value, expected against observed
/// (<see cref="CheckMessage"/>, used by every layer's verdict).
/// </summary>
[Category("Unit")]
[Feature("Allure results")]
public sealed class CheckMessageTests
{
    [Test]
    public void TheFirstLineNamesTheCheckTheValueAndExpectedAgainstObserved()
    {
        var comparisons = new[]
        {
            new CheckComparison("pod eth0 address", "10.244.1.5/24", "10.244.1.5/24", true),
            new CheckComparison("pod eth0 MAC", "0a:58:0a:f4:01:05", "0a:58:0a:f4:01:06", false),
        };
        var text = CheckMessage.Failed("ADD result matches the kernel",
            ["pod eth0 MAC 0a:58:0a:f4:01:06, result says 0a:58:0a:f4:01:05", "pod cannot ping its gateway 10.244.1.1: timeout"],
            comparisons: comparisons, detail: "ADD 1.1.0: 10.244.1.5/24");
        var lines = text.Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Is.EqualTo("ADD result matches the kernel: pod eth0 MAC: expected 0a:58:0a:f4:01:05, observed 0a:58:0a:f4:01:06 (+1 more problem)"));
            Assert.That(lines[1], Is.EqualTo("  - pod eth0 MAC 0a:58:0a:f4:01:06, result says 0a:58:0a:f4:01:05"), "every problem follows, as the check worded it");
            Assert.That(lines[2], Is.EqualTo("  - pod cannot ping its gateway 10.244.1.1: timeout"));
            Assert.That(lines[^1], Is.EqualTo("ADD 1.1.0: 10.244.1.5/24"), "the detail comes last");
        });
    }

    [Test]
    public void WithoutComparisonsTheFirstProblemsFirstLineIsTheAnswer()
    {
        var text = CheckMessage.Failed("repeated ADD is rejected without changes",
            ["state changed:\n--- before\nlink cni0\n--- after\nlink cni0\nlink veth1"]);
        Assert.Multiple(() =>
        {
            Assert.That(text.Split('\n')[0], Is.EqualTo("repeated ADD is rejected without changes: state changed: …"));
            Assert.That(text, Does.Contain("--- after\nlink cni0\nlink veth1"), "the whole problem is still in the message");
        });
    }

    [Test]
    public void AFailedSetUpIsTheAnswerBeforeAnyComparison()
    {
        var headline = CheckMessage.Headline("DEL (EmptyNetns) succeeds and releases", ["ADD failed: exit 1", "store: expected empty, observed 10.244.1.2"],
            ["ADD failed: exit 1"], [new CheckComparison("store", "empty", "10.244.1.2", false)]);
        Assert.That(headline, Is.EqualTo("DEL (EmptyNetns) succeeds and releases: (set-up) ADD failed: exit 1 (+1 more problem)"));
    }

    [Test]
    public void ALongProblemIsCutOnTheFirstLineOnly()
    {
        var problem = "the second ADD succeeded: " + new string('x', 400);
        var text = CheckMessage.Failed("repeated ADD", [problem, "a", "b"]);
        var first = text.Split('\n')[0];
        Assert.Multiple(() =>
        {
            Assert.That(first, Does.StartWith("repeated ADD: the second ADD succeeded: xxx"));
            Assert.That(first, Does.EndWith("… (+2 more problems)"));
            Assert.That(first.Length, Is.LessThan(CheckMessage.HeadlineLimit + 60));
            Assert.That(text, Does.Contain("  - " + problem), "the list keeps it whole");
        });
    }

    [Test]
    public void AComparisonLineShowsTheExpectationOnlyWhenItIsNotTheValue()
    {
        Assert.Multiple(() =>
        {
            Assert.That(CheckComparison.Equal("result cniVersion", "1.1.0", "1.1.0").Line, Is.EqualTo("result cniVersion: 1.1.0"));
            Assert.That(new CheckComparison("ips[0] address", "inside 10.244.1.0/24", "10.244.1.5/24", true).Line,
                Is.EqualTo("ips[0] address: 10.244.1.5/24 (expected inside 10.244.1.0/24)"));
            Assert.That(CheckComparison.Equal("ips[0] gateway", "10.244.1.1", null).Line, Is.EqualTo("ips[0] gateway: expected 10.244.1.1, observed (none)"));
        });
    }
}
