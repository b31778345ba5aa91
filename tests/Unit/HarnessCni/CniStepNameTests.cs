using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.HarnessCni;

/// <summary>A plugin call's report step is named after its outcome; an outcome the test did not expect is red.</summary>
[Category("Unit")]
[Feature("Plugin invocation")]
public sealed class CniStepNameTests
{
    private static readonly CniCall Call = new("ctr-1", "/var/run/netns/x", "eth0", NetworkConfig.Lab("10.244.1.0/24"));

    private static CniExchange Exchange(string command, int exit, string stdout) =>
        new(command, "/p/bash-cni", new Dictionary<string, string?>(), "{}", stdout, "", exit, TimeSpan.FromMilliseconds(14.2));

    private const string Added = """{"cniVersion":"1.0.0","ips":[{"address":"10.244.1.5/24"}]}""";
    private const string Exists = """{"cniVersion":"1.0.0","code":111,"msg":"already added"}""";

    [Test]
    public void SuccessNamesTheAddressExitAndDuration()
    {
        var conclusion = CniStepNames.Conclude(CniCommand.Add, Call, Exchange("ADD", 0, Added));
        Assert.That(conclusion, Is.EqualTo(new StepConclusion("ADD eth0 → 10.244.1.5/24 (exit 0, 14 ms)", AllureStatus.Passed)));
    }

    [Test]
    public void ADeclaredErrorIsGreenAndSaysSo()
    {
        var conclusion = CniStepNames.Conclude(CniCommand.Add, Call.ExpectingError(111), Exchange("ADD", 1, Exists));
        Assert.Multiple(() =>
        {
            Assert.That(conclusion.Name, Is.EqualTo("ADD eth0 → error 111 as expected (exit 1, 14 ms)"));
            Assert.That(conclusion.Status, Is.EqualTo(AllureStatus.Passed));
        });
    }

    [Test]
    public void AnUnexpectedErrorIsRed()
    {
        var conclusion = CniStepNames.Conclude(CniCommand.Add, Call, Exchange("ADD", 1, Exists));
        Assert.Multiple(() =>
        {
            Assert.That(conclusion.Name, Is.EqualTo("ADD eth0 → error 111: already added (exit 1, 14 ms)"));
            Assert.That(conclusion.Status, Is.EqualTo(AllureStatus.Failed));
        });
    }

    [Test]
    public void AnotherCodeOrSuccessWhereAnErrorWasExpectedIsRed()
    {
        var otherCode = CniStepNames.Conclude(CniCommand.Add, Call.ExpectingError(4), Exchange("ADD", 1, Exists));
        var success = CniStepNames.Conclude(CniCommand.Add, Call.ExpectingError(111), Exchange("ADD", 0, Added));
        Assert.Multiple(() =>
        {
            Assert.That(otherCode.Name, Is.EqualTo("ADD eth0 → error 111, but error 4 was expected (exit 1, 14 ms)"));
            Assert.That(otherCode.Status, Is.EqualTo(AllureStatus.Failed));
            Assert.That(success.Name, Does.StartWith("ADD eth0 → 10.244.1.5/24, but error 111 was expected"));
            Assert.That(success.Status, Is.EqualTo(AllureStatus.Failed));
        });
    }

    [Test]
    public void ADelWithoutNamespaceSaysTheNetnsIsGone()
    {
        var conclusion = CniStepNames.Conclude(CniCommand.Del, Call with { NetNs = null }, Exchange("DEL", 0, ""));
        Assert.That(conclusion.Name, Is.EqualTo("DEL eth0 (netns gone) → ok (exit 0, 14 ms)"));
    }

    [Test]
    public void ANonCniFailureIsRedEvenWhenAnErrorWasExpected()
    {
        var conclusion = CniStepNames.Conclude(CniCommand.Add, Call.ExpectingError(), Exchange("ADD", 2, "bash: syntax error"));
        Assert.Multiple(() =>
        {
            Assert.That(conclusion.Name, Does.Contain("failed without a CNI error on stdout"));
            Assert.That(conclusion.Status, Is.EqualTo(AllureStatus.Failed));
        });
    }
}
