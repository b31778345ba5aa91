using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Reporting;

/// <summary>fixtures/expected-skips as the report reads it: the reason of the first matching glob, literal otherwise.</summary>
[TestFixture]
[Category("Unit")]
public sealed class ExpectedSkipsTests
{
    private static readonly string[] Lines =
    [
        "# comment",
        "",
        "A.B.Netconf(\"reference-bridge.conf\") | runs under --profile reference",
        "A.Ssh.* | drives the local cluster's sshd",
    ];

    [Test]
    public void AGlobMatchesAndGivesItsReason()
    {
        var rules = ExpectedSkips.Parse(Lines);
        Assert.Multiple(() =>
        {
            Assert.That(rules, Has.Count.EqualTo(2));
            Assert.That(ExpectedSkips.ReasonFor(rules, "A.B.Netconf(\"reference-bridge.conf\")"), Is.EqualTo("runs under --profile reference"));
            Assert.That(ExpectedSkips.ReasonFor(rules, "A.Ssh.Tests.Connects"), Is.EqualTo("drives the local cluster's sshd"));
            Assert.That(ExpectedSkips.ReasonFor(rules, "A.B.Netconf(\"other.conf\")"), Is.Null, "parentheses and dots are literal");
            Assert.That(ExpectedSkips.ReasonFor(rules, "X.A.Ssh.T"), Is.Null, "anchored at both ends");
        });
    }

    [Test]
    public void TheRepositorysFileHasAReasonOnEveryLine()
    {
        var lines = File.ReadAllLines(BashCni.Harness.RepoPaths.Fixture("expected-skips"))
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')).ToList();
        Assert.That(ExpectedSkips.Load(BashCni.Harness.RepoPaths.Fixture("expected-skips")), Has.Count.EqualTo(lines.Count));
    }
}
