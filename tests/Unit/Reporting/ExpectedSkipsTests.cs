using BashCni.Harness.Reporting;
using NUnit.Framework;
using SkipList = BashCni.Harness.Verdict.ExpectedSkips;

namespace BashCni.Tests.Unit.Reporting;

/// <summary>fixtures/expected-skips as the report reads it: the verdict's list, on the run's target, its reason only.</summary>
[TestFixture]
[Category("Unit")]
public sealed class ExpectedSkipsTests
{
    private static readonly SkipList List = SkipList.Parse(string.Join('\n',
        "# comment",
        "",
        "A.B.Netconf(\"reference-bridge.conf\") | any | runs under --profile reference",
        "A.Ssh.* | local-api,kind | drives the local cluster's sshd"));

    [Test]
    public void TheReportNamesTheReasonOnlyWhereTheVerdictAllowsTheSkip()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ExpectedSkips.ReasonFor(List, "A.B.Netconf(\"reference-bridge.conf\")", "local"), Is.EqualTo("runs under --profile reference"));
            Assert.That(ExpectedSkips.ReasonFor(List, "A.Ssh.Tests.Connects", "kind"), Is.EqualTo("drives the local cluster's sshd"),
                "the reason alone, without the targets field");
            Assert.That(ExpectedSkips.ReasonFor(List, "A.Ssh.Tests.Connects", "local"), Is.Null, "not allowed on the local target");
            Assert.That(ExpectedSkips.ReasonFor(List, "A.B.Netconf(\"other.conf\")", "local"), Is.Null, "parentheses and dots are literal");
            Assert.That(ExpectedSkips.ReasonFor(List, "X.A.Ssh.T", "kind"), Is.Null, "anchored at both ends");
        });
    }
}
