using NUnit.Framework;
using System.Collections.Concurrent;
using BashCni.Harness.Reachability;
using BashCni.Harness.Sandbox;

namespace BashCni.Tests.Unit.Reachability;

[TestFixture]
[Category("Unit")]
public sealed class ReachabilityProbeTests
{
    private static readonly ReachabilityOptions Fast = new()
    {
        OutsideHost = ReachabilityOptions.LocalOutsideHost,
        RetryDelay = TimeSpan.Zero,
        SecondPassAttempts = 3,
        MaxConcurrency = 4,
    };

    private static ProbePlan Plan(string stage, ReachabilityOptions? options = null) =>
        ProbePlan.Create(ExpectedMatrix.ForStage(stage), FakeCluster.LabNodes, FakeCluster.LabPods, options ?? Fast);

    /// <summary>The lab's network: a pod reaches only its own node's bridge.</summary>
    private static bool LabNetwork(string pod, string target)
    {
        var node = FakeCluster.LabPods.Single(p => p.Name == pod).Node;
        return node == "worker-1" ? target == "10.244.1.1" : target == "10.244.2.1";
    }

    private static FakeCluster.ExecHandler Network(Func<string, string, bool> reaches) =>
        (pod, command, _, _) => Task.FromResult(FakeCluster.Result(command, reaches(pod, FakeCluster.TargetOf(command)) ? 0 : 1));

    [Test]
    public async Task LabNetwork_MatchesLabExpectation_WithoutSecondPass()
    {
        await using var cluster = new FakeCluster { OnExec = Network(LabNetwork) };
        var plan = Plan("lab");

        var report = await ReachabilityProbe.RunAsync(cluster, plan);

        Assert.Multiple(() =>
        {
            Assert.That(report.Diff.IsEmpty, report.ToString());
            Assert.That(report.Observed["bash-worker-2", "own-bridge"], Is.EqualTo(Reach.Yes));
            Assert.That(report.Observed["bash-worker-2", "pod:nginx-worker-1"], Is.EqualTo(Reach.No));
            Assert.That(report.Observed["bash-worker-2", "node:worker-2"], Is.EqualTo(Reach.NotApplicable));
            Assert.That(report.Cells.Select(c => c.Attempts.Count), Is.All.EqualTo(1), "nothing differed, nothing retried");
            Assert.That(report.Cells, Has.Count.EqualTo(plan.Probes.Count));
        });
    }

    [Test]
    public async Task LabNetwork_AgainstRoutedExpectation_DiffersPersistently()
    {
        await using var cluster = new FakeCluster { OnExec = Network(LabNetwork) };

        var report = await ReachabilityProbe.RunAsync(cluster, Plan("routed"));

        var cell = report.Cell("bash-worker-1", "pod:nginx-worker-2");
        Assert.Multiple(() =>
        {
            Assert.That(report.Diff.IsEmpty, Is.False);
            Assert.That(report.Diff.Differences, Has.Count.EqualTo(38 - 4), "all but the four own-bridge cells");
            Assert.That(cell.Attempts.Select(a => a.Pass), Is.EqualTo(new[] { 1, 2, 2, 2 }), "first pass + 3 second-pass attempts");
            Assert.That(cell.Observed, Is.EqualTo(Reach.No));
            Assert.That(report.Cell("bash-worker-1", "own-bridge").Attempts, Has.Count.EqualTo(1));
            Assert.That(report.ToString(), Does.Contain("bash-worker-1 -> pod:nginx-worker-2 (10.244.2.2): expected yes, observed no")
                .And.Contain("ping -c1 -W1 10.244.2.2"));
        });
    }

    [Test]
    public async Task ATransientFirstMiss_IsRetried_AndDoesNotMakeADifference()
    {
        var misses = new ConcurrentDictionary<string, int>();
        await using var cluster = new FakeCluster
        {
            // Everything answers, except that each pod's first probe of the other node's nginx goes unanswered.
            OnExec = (pod, command, _, _) =>
            {
                var target = FakeCluster.TargetOf(command);
                var first = target == "10.244.2.2" && misses.AddOrUpdate(pod, 1, (_, n) => n + 1) == 1;
                return Task.FromResult(FakeCluster.Result(command, first ? 1 : 0));
            },
        };

        var report = await ReachabilityProbe.RunAsync(cluster, Plan("routed"));

        var flaky = report.Cell("bash-worker-1", "pod:nginx-worker-2");
        Assert.Multiple(() =>
        {
            Assert.That(report.Diff.IsEmpty, report.ToString());
            Assert.That(flaky.Attempts.Select(a => a.Outcome), Is.EqualTo(new[] { Reach.No, Reach.Yes }));
            Assert.That(flaky.Attempts.Select(a => a.Pass), Is.EqualTo(new[] { 1, 2 }));
            Assert.That(report.Cell("bash-worker-1", "outside").Attempts, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task AnUnexpectedReach_IsReportedAsADifference()
    {
        // Same-node pods reach each other: a FORWARD DROP that does not apply to bridged traffic.
        await using var cluster = new FakeCluster
        {
            OnExec = Network((pod, target) => LabNetwork(pod, target) || (pod.EndsWith("-1", StringComparison.Ordinal) && target.StartsWith("10.244.1.", StringComparison.Ordinal))),
        };

        var report = await ReachabilityProbe.RunAsync(cluster, Plan("lab"));

        Assert.Multiple(() =>
        {
            Assert.That(report.Diff.Differences.Select(d => (d.Source, d.Target)), Is.EquivalentTo(new[]
            {
                ("nginx-worker-1", "same-node-pod"), ("nginx-worker-1", "pod:bash-worker-1"),
                ("bash-worker-1", "same-node-pod"), ("bash-worker-1", "pod:nginx-worker-1"),
            }));
            Assert.That(report.Diff.Differences.Select(d => d.Observed), Is.All.EqualTo(Reach.Yes));
            Assert.That(report.DiffGrid, Does.Contain("!yes"));
        });
    }

    [Test]
    public async Task CellsSharingACommand_AreProbedOnce()
    {
        await using var cluster = new FakeCluster { OnExec = Network(LabNetwork) };

        await ReachabilityProbe.RunAsync(cluster, Plan("lab"));

        // nginx-worker-1: same-node-pod and pod:bash-worker-1 are both 10.244.1.3
        Assert.That(cluster.Execs.Count(e => e.Pod == "nginx-worker-1" && e.Command[^1] == "10.244.1.3"), Is.EqualTo(1));
    }

    [TestCase(127, "", "sh: ping: not found")]
    [TestCase(2, "", "ping: socket: Operation not permitted")]
    public async Task AProbeThatCannotRun_IsAnError_NotUnreachable(int exitCode, string stdout, string stderr)
    {
        await using var cluster = new FakeCluster
        {
            OnExec = (pod, command, _, _) => Task.FromResult(pod == "bash-worker-2"
                ? FakeCluster.Result(command, exitCode, stdout, stderr)
                : FakeCluster.Result(command, LabNetwork(pod, FakeCluster.TargetOf(command)) ? 0 : 1)),
        };

        var report = await ReachabilityProbe.RunAsync(cluster, Plan("lab"));

        Assert.Multiple(() =>
        {
            Assert.That(report.Observed["bash-worker-2", "pod:nginx-worker-1"], Is.EqualTo(Reach.Error));
            Assert.That(report.Diff.Differences.Select(d => d.Source), Is.All.EqualTo("bash-worker-2"));
            Assert.That(report.Diff.Differences, Has.Count.EqualTo(report.Cells.Count(c => c.Source == "bash-worker-2")));
            Assert.That(report.RenderEvidence(), Does.Contain(stderr));
        });
    }

    [Test]
    public async Task ExecFailuresAndTimeouts_BecomeErrorCellsWithTheReason()
    {
        await using var cluster = new FakeCluster
        {
            OnExec = async (pod, command, _, ct) =>
            {
                if (pod == "nginx-worker-1") throw new InvalidOperationException("container not running");
                if (pod == "bash-worker-1") await Task.Delay(Timeout.Infinite, ct);
                return FakeCluster.Result(command, LabNetwork(pod, FakeCluster.TargetOf(command)) ? 0 : 1);
            },
        };
        var options = Fast with { ExecTimeout = TimeSpan.FromMilliseconds(50), SecondPassAttempts = 2 };

        var report = await ReachabilityProbe.RunAsync(cluster, Plan("lab", options));

        Assert.Multiple(() =>
        {
            Assert.That(report.Observed["nginx-worker-1", "own-bridge"], Is.EqualTo(Reach.Error));
            Assert.That(report.Cell("nginx-worker-1", "own-bridge").Attempts[0].Output, Does.Contain("container not running"));
            Assert.That(report.Observed["bash-worker-1", "outside"], Is.EqualTo(Reach.Error));
            Assert.That(report.Cell("bash-worker-1", "outside").Attempts[^1].Output, Does.Contain("no result within"));
            Assert.That(report.Cell("bash-worker-1", "outside").Attempts, Has.Count.EqualTo(3));
            Assert.That(report.Observed["bash-worker-2", "outside"], Is.EqualTo(Reach.No));
        });
    }

    [Test]
    public async Task UnprobeableCells_AreErrors_AndRunNothing()
    {
        await using var cluster = new FakeCluster { OnExec = Network(LabNetwork) };
        var pods = FakeCluster.LabPods.Select(p => p.Name == "nginx-worker-2" ? p with { Ip = null } : p).ToList();
        var plan = ProbePlan.Create(ExpectedMatrix.ForStage("lab"), FakeCluster.LabNodes, pods, Fast);

        var report = await ReachabilityProbe.RunAsync(cluster, plan);

        Assert.Multiple(() =>
        {
            Assert.That(report.Observed["bash-worker-1", "pod:nginx-worker-2"], Is.EqualTo(Reach.Error));
            Assert.That(report.Cell("bash-worker-1", "pod:nginx-worker-2").Attempts[^1].Output, Does.Contain("has no IP"));
            Assert.That(cluster.Execs.Where(e => e.Pod == "bash-worker-1").Select(e => e.Command[^1]), Has.None.Contains("10.244.2.2"));
        });
    }

    [Test]
    public async Task Concurrency_IsBounded()
    {
        await using var cluster = new FakeCluster
        {
            OnExec = async (pod, command, _, ct) =>
            {
                await Task.Delay(10, ct);
                return FakeCluster.Result(command, LabNetwork(pod, FakeCluster.TargetOf(command)) ? 0 : 1);
            },
        };

        await ReachabilityProbe.RunAsync(cluster, Plan("lab", Fast with { MaxConcurrency = 3 }));

        Assert.That(cluster.MaxConcurrentExecs, Is.InRange(2, 3));
    }

    [TestCase(ProbeProtocol.Icmp, 0, "1 packets transmitted, 1 received", "", Reach.Yes, ProbeReason.Reply)]
    [TestCase(ProbeProtocol.Icmp, 1, "1 packets transmitted, 0 received, 100% packet loss", "", Reach.No, ProbeReason.NoReply)]
    [TestCase(ProbeProtocol.Icmp, 2, "", "connect: Network is unreachable", Reach.No, ProbeReason.Unreachable)]
    [TestCase(ProbeProtocol.Icmp, 2, "", "", Reach.No, ProbeReason.Unreachable)]
    [TestCase(ProbeProtocol.Icmp, 1, "", "ping: sendto: Network unreachable", Reach.No, ProbeReason.Unreachable)]
    [TestCase(ProbeProtocol.Icmp, 1, "From 10.244.1.1 icmp_seq=1 Destination Host Unreachable\n1 packets transmitted, 0 received, +1 errors", "",
        Reach.No, ProbeReason.Unreachable)]
    [TestCase(ProbeProtocol.Icmp, 1, "From 10.244.1.1 icmp_seq=1 Packet filtered", "", Reach.No, ProbeReason.Refused)]
    [TestCase(ProbeProtocol.Icmp, 1, "", "ping: bad address '10.244.300.2'", Reach.Error, ProbeReason.ProbeError)]
    [TestCase(ProbeProtocol.Icmp, 2, "", "ping: socket: Operation not permitted", Reach.Error, ProbeReason.ProbeError)]
    [TestCase(ProbeProtocol.Icmp, 126, "", "", Reach.Error, ProbeReason.ProbeError)]
    [TestCase(ProbeProtocol.Icmp, 4, "", "", Reach.Error, ProbeReason.ProbeError)]
    [TestCase(ProbeProtocol.Http, 0, "200\n", "", Reach.Yes, ProbeReason.Reply)]
    [TestCase(ProbeProtocol.Http, 0, "301\n", "", Reach.Yes, ProbeReason.Reply)]
    [TestCase(ProbeProtocol.Http, 0, "404\n", "", Reach.No, ProbeReason.HttpStatus)]
    [TestCase(ProbeProtocol.Http, 0, "503\n", "", Reach.No, ProbeReason.HttpStatus)]
    [TestCase(ProbeProtocol.Http, 0, "000\n", "", Reach.Error, ProbeReason.ProbeError)]
    [TestCase(ProbeProtocol.Http, 0, "", "", Reach.Yes, ProbeReason.Reply)]
    [TestCase(ProbeProtocol.Http, 28, "000\n", "curl: (28) Connection timed out after 2001 milliseconds", Reach.No, ProbeReason.NoReply)]
    [TestCase(ProbeProtocol.Http, 7, "000\n", "curl: (7) Failed to connect to 10.244.2.2 port 80: Connection refused", Reach.No, ProbeReason.Refused)]
    [TestCase(ProbeProtocol.Http, 7, "000\n", "curl: (7) Failed to connect to 10.244.2.2 port 80 after 0 ms: Couldn't connect to server", Reach.No, ProbeReason.Refused)]
    [TestCase(ProbeProtocol.Http, 7, "000\n", "curl: (7) Failed to connect to 10.244.2.2 port 80: No route to host", Reach.No, ProbeReason.Unreachable)]
    [TestCase(ProbeProtocol.Http, 6, "000\n", "curl: (6) Could not resolve host: nginx", Reach.Error, ProbeReason.ProbeError)]
    [TestCase(ProbeProtocol.Http, 3, "000\n", "curl: (3) URL rejected: Malformed input to a URL function", Reach.Error, ProbeReason.ProbeError)]
    [TestCase(ProbeProtocol.Http, 1, "", "wget: can't connect to remote host (10.244.2.2): Connection refused", Reach.No, ProbeReason.Refused)]
    [TestCase(ProbeProtocol.Http, 1, "", "wget: download timed out", Reach.No, ProbeReason.NoReply)]
    [TestCase(ProbeProtocol.Http, 1, "", "wget: can't connect to remote host (10.244.2.2): No route to host", Reach.No, ProbeReason.Unreachable)]
    [TestCase(ProbeProtocol.Http, 1, "", "wget: server returned error: HTTP/1.1 404 Not Found", Reach.No, ProbeReason.HttpStatus)]
    [TestCase(ProbeProtocol.Http, 8, "", "ERROR 500: Internal Server Error.", Reach.No, ProbeReason.HttpStatus)]
    [TestCase(ProbeProtocol.Http, 1, "", "wget: bad address 'nginx'", Reach.Error, ProbeReason.ProbeError)]
    [TestCase(ProbeProtocol.Http, 1, "", "", Reach.Error, ProbeReason.ProbeError)]
    [TestCase(ProbeProtocol.Http, 127, "", "neither curl nor wget in this pod", Reach.Error, ProbeReason.ProbeError)]
    public void Classify(ProbeProtocol protocol, int exitCode, string stdout, string stderr, Reach expected, ProbeReason reason) =>
        Assert.That(ProbeCommands.Classify(protocol, exitCode, stdout, stderr), Is.EqualTo(new ProbeOutcome(expected, reason)));

    [Test]
    public async Task HttpProbeScript_PicksAClientAndFailsClearlyWithoutOne()
    {
        var empty = Directory.CreateTempSubdirectory("reach-nohttp-");
        try
        {
            var sh = File.Exists("/bin/sh") ? "/bin/sh" : "/usr/bin/sh";
            var command = ProbeCommands.Http("http://127.0.0.1:9/");
            var result = await LocalRunner.Instance.RunAsync(sh, command.Skip(1).ToList(),
                new CommandOptions { Environment = new Dictionary<string, string?> { ["PATH"] = empty.FullName } });

            Assert.Multiple(() =>
            {
                Assert.That(result.ExitCode, Is.EqualTo(127), result.ToString());
                Assert.That(result.Stderr, Does.Contain("neither curl nor wget"));
                Assert.That(ProbeCommands.Classify(ProbeProtocol.Http, result.ExitCode, result.Stdout, result.Stderr), Is.EqualTo(ProbeOutcome.Error));
            });
        }
        finally
        {
            empty.Delete(true);
        }
    }

    /// <summary>A path seen is final: an answer on an expected-"no" cell is reported even when later probes miss it
    /// (before, the second pass re-probed the cell until it agreed, and the leak vanished).</summary>
    [TestCase(0, 1, 1, TestName = "LeakSeenOnceInThreeProbes_IsReported(first)")]
    [TestCase(126, 0, 1, TestName = "LeakSeenOnceInThreeProbes_IsReported(after a probe error)")]
    public async Task LeakSeenOnceInThreeProbes_IsReported(int first, int second, int third)
    {
        var exits = new[] { first, second, third };
        var calls = 0;
        await using var cluster = new FakeCluster
        {
            OnExec = (pod, command, _, _) =>
            {
                if (pod == "bash-worker-2" && FakeCluster.TargetOf(command) == "10.244.1.2")
                    return Task.FromResult(FakeCluster.Result(command, exits[Math.Min(Interlocked.Increment(ref calls), 3) - 1]));
                return Task.FromResult(FakeCluster.Result(command, LabNetwork(pod, FakeCluster.TargetOf(command)) ? 0 : 1));
            },
        };

        var report = await ReachabilityProbe.RunAsync(cluster, Plan("lab"));

        var cell = report.Cell("bash-worker-2", "pod:nginx-worker-1");
        Assert.Multiple(() =>
        {
            Assert.That(cell.Expected, Is.EqualTo(Reach.No));
            Assert.That(cell.Observed, Is.EqualTo(Reach.Yes), string.Join("\n", cell.Attempts));
            Assert.That(report.Diff.IsEmpty, Is.False, "the leak is a difference");
            Assert.That(cell.Attempts.Select(a => a.Outcome), Does.Not.Contain(Reach.No), "no attempt after the answer was seen");
        });
    }

    [Test]
    public async Task EachSourcePodIsPreparedOnceBeforeProbing_AndAFailedPreparationIsAProbeError()
    {
        await using var cluster = new FakeCluster
        {
            OnExec = Network(LabNetwork),
            OnPrepare = pod => pod == "nginx-worker-1" ? throw new InvalidOperationException("ErrImagePull") : Task.CompletedTask,
        };

        var report = await ReachabilityProbe.RunAsync(cluster, Plan("lab", Fast with { SecondPassAttempts = 0 }));

        var cell = report.Cell("nginx-worker-1", "own-bridge");
        Assert.Multiple(() =>
        {
            Assert.That(cluster.Prepared.OrderBy(p => p, StringComparer.Ordinal),
                Is.EqualTo(FakeCluster.LabPods.Select(p => p.Name).OrderBy(p => p, StringComparer.Ordinal)), "each source once");
            Assert.That(cell.Observed, Is.EqualTo(Reach.Error));
            Assert.That(cell.Attempts[0].Output, Does.Contain("not ready").And.Contain("ErrImagePull"));
            Assert.That(cluster.Execs.Any(e => e.Pod == "nginx-worker-1"), Is.False, "no exec into a pod whose way in failed");
            Assert.That(report.Cell("bash-worker-1", "own-bridge").Observed, Is.EqualTo(Reach.Yes));
            Assert.That(report.Cells.SelectMany(c => c.Attempts).Select(a => a.Via), Is.All.EqualTo("exec in pod"), "via set on every attempt");
        });
    }
}
