using System.Net;
using System.Net.Sockets;
using System.Text;
using BashCni.Harness.Reachability;
using BashCni.Harness.Sandbox;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Reachability;

/// <summary>
/// Every probe records why it ended as it did, and an expected "no" holds only for the reasons its expectation allows
/// (fixtures/reachability/lab.yaml: no reply): a "no" because the pod has no route, because an ICMP unreachable came
/// back or because the server answered with an HTTP error is a difference, carrying its reason and the command that
/// reproduces it.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class ProbeReasonTests
{
    private static readonly ReachabilityOptions Fast = new()
    {
        OutsideHost = ReachabilityOptions.LocalOutsideHost,
        RetryDelay = TimeSpan.Zero,
        SecondPassAttempts = 2,
        MaxConcurrency = 4,
    };

    private static ProbePlan Plan(string stage) =>
        ProbePlan.Create(ExpectedMatrix.ForStage(stage), FakeCluster.LabNodes, FakeCluster.LabPods, Fast);

    /// <summary>The lab's network (each pod reaches its own node's bridge, every other probe is dropped), except
    /// what <paramref name="answer"/> answers differently.</summary>
    private static FakeCluster Lab(Func<string, IReadOnlyList<string>, CommandResult?> answer) => new()
    {
        OnExec = (pod, command, _, _) =>
        {
            if (answer(pod, command) is { } special) return Task.FromResult(special);
            var node = FakeCluster.LabPods.Single(p => p.Name == pod).Node;
            var bridge = node == "worker-1" ? "10.244.1.1" : "10.244.2.1";
            return Task.FromResult(FakeCluster.Result(command, FakeCluster.TargetOf(command) == bridge ? 0 : 1));
        },
    };

    [Test]
    public void TheLabExpectationAllowsOnlyNoReply() =>
        Assert.That(ExpectedMatrix.ForStage(Stages.Lab).NoReasons, Is.EquivalentTo(new[] { ProbeReason.NoReply }));

    [Test]
    public void NoReasonsAreParsedAndAnUnknownOneIsNamed()
    {
        const string Yaml = "stage: s\nnodes: [n]\nsources: [a, b]\ntargets:\n  pod:b: false\nno-reasons: [no-reply, refused]\n";
        Assert.That(ExpectedMatrix.Parse(Yaml).NoReasons, Is.EquivalentTo(new[] { ProbeReason.NoReply, ProbeReason.Refused }));
        Assert.That(ExpectedMatrix.Parse(Yaml.Replace("no-reasons: [no-reply, refused]\n", "", StringComparison.Ordinal)).NoReasons,
            Is.EquivalentTo(ExpectedMatrix.DefaultNoReasons));
        var e = Assert.Throws<InvalidDataException>(() => ExpectedMatrix.Parse(Yaml.Replace("refused", "timeout", StringComparison.Ordinal)));
        Assert.That(e!.Message, Does.Contain(":6:").And.Contain("'timeout'").And.Contain("no-reply, refused, unreachable, http-status"));
    }

    [Test]
    public async Task ANoBecauseThePodHasNoRoute_IsADifferenceInTheLabStage()
    {
        // bash-worker-1 has lost its default route: ping cannot even send (iputils: exit 2, "Network is unreachable").
        await using var cluster = Lab((pod, command) => pod == "bash-worker-1" && command[0] == "ping" && FakeCluster.TargetOf(command) == "10.244.2.2"
            ? FakeCluster.Result(command, 2, "", "ping: connect: Network is unreachable")
            : null);

        var report = await ReachabilityProbe.RunAsync(cluster, Plan(Stages.Lab));

        var difference = report.Diff.Differences.SingleOrDefault();
        Assert.That(difference, Is.Not.Null, report.ToString());
        Assert.Multiple(() =>
        {
            Assert.That((difference!.Source, difference.Target), Is.EqualTo(("bash-worker-1", "pod:nginx-worker-2")));
            Assert.That((difference.Expected, difference.Observed, difference.ObservedReason), Is.EqualTo((Reach.No, Reach.No, ProbeReason.Unreachable)));
            Assert.That(difference.WrongReason, Is.True);
            Assert.That(difference.Command, Does.EndWith("ping -c1 -W1 10.244.2.2"));
            Assert.That(difference.ToString(), Does.Contain("expected no (no reply), observed no (unreachable)"));
            Assert.That(report.Cell("bash-worker-1", "pod:nginx-worker-2").AsExpected, Is.False);
            Assert.That(report.Diff.CellSymbol("bash-worker-1", "pod:nginx-worker-2"), Is.EqualTo("!why"));
        });
    }

    [Test]
    public async Task AnHttpErrorAnsweredWhereNoneWasExpected_IsADifference()
    {
        // nginx-worker-2 answers bash-worker-2 (same node) with 403: the server was reached, the stage says it must not be.
        await using var cluster = Lab((pod, command) => pod == "bash-worker-2" && command[0] == "sh" && FakeCluster.TargetOf(command) == "http://10.244.2.2:80/"
            ? FakeCluster.Result(command, 0, "403\n", "")
            : null);

        var report = await ReachabilityProbe.RunAsync(cluster, Plan(Stages.Lab));

        var cell = report.Cell("bash-worker-2", "http:nginx-worker-2");
        Assert.Multiple(() =>
        {
            Assert.That((cell.Observed, cell.ObservedReason), Is.EqualTo((Reach.No, ProbeReason.HttpStatus)), cell.Attempts[^1].ToString());
            Assert.That(report.Diff.Differences.Select(d => (d.Source, d.Target, d.ObservedReason)),
                Is.EqualTo(new[] { ("bash-worker-2", "http:nginx-worker-2", ProbeReason.HttpStatus) }), report.ToString());
        });
    }

    [Test]
    public async Task DropsInTheLabStageAreNoReply_AndEveryCellCarriesItsExactCommand()
    {
        await using var cluster = Lab((_, _) => null);

        var report = await ReachabilityProbe.RunAsync(cluster, Plan(Stages.Lab));

        Assert.Multiple(() =>
        {
            Assert.That(report.Diff.IsEmpty, report.ToString());
            Assert.That(report.Cells.Where(c => c.Expected == Reach.No).Select(c => c.ObservedReason), Is.All.EqualTo(ProbeReason.NoReply));
            Assert.That(report.Cells.Where(c => c.Expected == Reach.Yes).Select(c => c.ObservedReason), Is.All.EqualTo(ProbeReason.Reply));
            foreach (var cell in report.Cells)
                Assert.That(cell.Command, Does.EndWith(PlannedProbe.Quote(cell.Probe.Command)), $"{cell.Source} -> {cell.Target}");
            Assert.That(report.Cell("bash-worker-1", "http:nginx-worker-2").Command, Does.Contain("curl -sS --max-time 2"),
                "the HTTP cell's command is the script that ran, not a summary");
        });
    }

    [Test]
    public async Task AProbeThatCouldNotRun_IsAProbeError()
    {
        await using var cluster = Lab((pod, command) => pod == "nginx-worker-1" && FakeCluster.TargetOf(command) == "10.244.1.1"
            ? throw new InvalidOperationException("exec refused")
            : null);

        var report = await ReachabilityProbe.RunAsync(cluster, Plan(Stages.Lab));

        var cell = report.Cell("nginx-worker-1", "own-bridge");
        Assert.That((cell.Observed, cell.ObservedReason), Is.EqualTo((Reach.Error, ProbeReason.ProbeError)));
    }

    /// <summary>The HTTP script against a real server answering 404 (curl of this machine): "no" because an HTTP
    /// status was answered. With <c>curl -f</c> it was exit 22 and a plain "no", as if nothing had answered.</summary>
    [Test]
    public async Task TheHttpScriptTellsAnAnsweredErrorFromNoAnswer()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[4096];
            var request = new StringBuilder();
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer);
                if (read == 0) break;
                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        });
        var sh = File.Exists("/bin/sh") ? "/bin/sh" : "/usr/bin/sh";
        var command = ProbeCommands.Http($"http://127.0.0.1:{port}/");

        var result = await LocalRunner.Instance.RunAsync(sh, command.Skip(1).ToList());
        await server;

        Assert.That(ProbeCommands.Classify(ProbeProtocol.Http, result.ExitCode, result.Stdout, result.Stderr),
            Is.EqualTo(new ProbeOutcome(Reach.No, ProbeReason.HttpStatus)), result.ToString());
    }
}
