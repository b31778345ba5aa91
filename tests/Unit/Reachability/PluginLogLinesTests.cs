using BashCni.Harness.Cluster;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Reachability;

/// <summary>The cluster layer's plugin-log check finds a pod by its exact name in the log's <c>pod=</c> field. Before,
/// a substring match let a line about bash-worker-10 count for bash-worker-1.</summary>
[TestFixture]
[Category("Unit")]
public sealed class PluginLogLinesTests
{
    private const string Log =
        "2026-12-07T20:00:00+0000 bash-cni[42] ADD id=0123 if=eth0 pod=bash-cni-test/bash-worker-10 ok 12.000ms\n" +
        "2026-12-07T20:00:01+0000 bash-cni[43] ADD id=4567 if=eth0 pod=nginx-worker-1 ok 10.000ms\n";

    [Test]
    public void APodWhoseNameIsAPrefixOfAnotherIsNotFoundInTheOthersLine() =>
        Assert.That(PluginLogLines.NamesPod(Log, "bash-worker-1"), Is.False);

    [TestCase("bash-worker-10")]
    [TestCase("nginx-worker-1")]
    public void APodNamedInAPodFieldIsFound(string pod) => Assert.That(PluginLogLines.NamesPod(Log, pod), Is.True);

    [Test]
    public void ANameElsewhereInTheLineIsNotAPodField() =>
        Assert.That(PluginLogLines.NamesPod("… ADD id=x if=eth0 error: bash-worker-2 not found\n", "bash-worker-2"), Is.False);
}
