using System.Globalization;
using BashCni.Harness.Cluster;
using BashCni.Harness.Layers;
using BashCni.Harness.Sandbox;

namespace BashCni.Tests.Netns.BusyHost;

/// <summary>
/// The final host check on a busy machine, shown on a stand-in: a sandbox of its own plays "the host" (its /run and
/// /var/log are private tmpfs, its network namespace is its root namespace), a noise process in it keeps creating and
/// removing entries under /run and /var/log and links, as Docker, systemd and journald do; "the run" is a
/// representative test process started inside that host the way run-tests.sh starts a root layer: under
/// host-guard.sh, carrying a run's mark. The check must stay silent about the noise and catch the run's leak of an
/// entry, a link, a process — an entry and a link by construction (the write fails at once naming the path; the
/// link lands in the guard's own namespace), a process by its mark. Nothing here touches the real machine.
/// </summary>
[TestFixture]
[Category("Netns")]
[NonParallelizable]
public sealed class BusyHostTests
{
    private const string NoiseScript = """
        set -u
        # $1: the test process; the noise ends with it, whatever ends it (a run stopped half way leaves no noise).
        i=0
        while [[ -d "/proc/$1" ]]; do
          i=$((i + 1))
          : >"/run/noise-$i"
          : >"/var/log/noise-$i.log"
          ip link add "noise$i" type veth peer name "noisep$i"
          sleep 0.05 &
          if ((i > 1)); then
            rm -f "/run/noise-$((i - 1))" "/var/log/noise-$((i - 1)).log"
            ip link del "noise$((i - 1))"
          fi
          echo "$i" >/run/noise-progress.new && mv /run/noise-progress.new /run/noise-progress
          sleep 0.1
        done
        """;

    private SandboxHost _host = null!;
    private readonly List<int> _leaked = [];
    private string _mark = "";

    [SetUp]
    public async Task StartTheHostAndItsNoiseAsync()
    {
        if (SandboxHost.UnavailableReason is { } why) Assert.Ignore(why);
        _host = await SandboxHost.StartAsync();
        _mark = "BASHCNI_LAYER_STATE=/nonexistent/busy-host-run-" + Guid.NewGuid().ToString("N");
        // The noise is the machine's own: it carries no mark of any run (env -u).
        await _host.Runner.RunCheckedAsync("bash", ["-c",
            "env -u BASHCNI_LAYER_STATE setsid bash -c \"$0\" noise \"$1\" </dev/null >/dev/null 2>&1 &", NoiseScript,
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture)]);
        await NoiseAdvancedAsync(0);
    }

    [TearDown]
    public async Task StopAsync()
    {
        foreach (var pid in _leaked)
            await LocalRunner.Instance.RunAsync("kill", "-KILL", pid.ToString(CultureInfo.InvariantCulture));
        // The host's anchor kills everything in its network namespace (the noise and its links) and its mounts vanish.
        await _host.DisposeAsync();
    }

    private async Task<int> NoiseProgressAsync()
    {
        var r = await _host.Runner.RunAsync("cat", "/run/noise-progress");
        return r.ExitCode == 0 && int.TryParse(r.Stdout.Trim(), CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    /// <summary>Waits until the noise made three more rounds than <paramref name="since"/> (observed progress, not time).</summary>
    private async Task<int> NoiseAdvancedAsync(int since)
    {
        var now = 0;
        await Waits.UntilAsync("the noise process to make three rounds", async _ =>
        {
            now = await NoiseProgressAsync();
            return now >= since + 3 ? Waits.Probe.Ok : Waits.Probe.NotYet($"noise at round {now}");
        }, TimeSpan.FromMinutes(2));
        return now;
    }

    /// <summary>Runs <paramref name="script"/> as the run's test process: inside the host, under the guard, with the run's mark.</summary>
    private Task<CommandResult> RunGuardedAsync(string script) =>
        _host.Runner.RunAsync("env", [_mark, HostGuard.Script, "bash", "-c", script]);

    private async Task<(HostSnapshot Before, HostSnapshot After, IReadOnlyList<string> Guard, CommandResult Run)> RunTheLayerAsync(string script)
    {
        var before = await HostSnapshot.TakeAsync(_host.Runner) with { TempEntries = [] };
        var started = await NoiseProgressAsync();
        // The representative process also reports what HostGuard checks from inside a layer.
        var run = await RunGuardedAsync(script + """

            rc=$?
            echo "## guard"
            echo "$BASHCNI_HOST_NETNS"; stat -L -c %i /proc/self/ns/net; echo "$BASHCNI_HOST_GUARDED"
            findmnt -rn -o TARGET,OPTIONS
            exit "$rc"
            """);
        await NoiseAdvancedAsync(started);
        var after = await HostSnapshot.TakeAsync(_host.Runner) with { TempEntries = [] };
        var at = run.Stdout.IndexOf("## guard\n", StringComparison.Ordinal);
        Assert.That(at, Is.Not.Negative, "the guarded process did not report its guard:\n" + run);
        var report = run.Stdout[(at + "## guard\n".Length)..].Split('\n', 4);
        Assert.That(report, Has.Length.EqualTo(4), "the guarded process did not report its guard:\n" + run);
        return (before, after, HostGuard.Problems(report[0], report[1], report[2], report[3]), run);
    }

    private IReadOnlyList<string> Check(HostSnapshot before, HostSnapshot after, IReadOnlyList<string> guard) =>
        HostCheck.Differences(before, after, guard, RunProcesses.Carrying(_mark, Environment.ProcessId));

    [Test]
    public async Task ACleanRunIsGreenBesideTheNoise()
    {
        var (before, after, guard, run) = await RunTheLayerAsync("true");
        Assert.That(run.ExitCode, Is.Zero, run.Stderr);
        Assert.That(guard, Is.Empty, "the guard did not hold");
        Assert.That(Check(before, after, guard), Is.Empty, "the check went red for the machine's own changes");
        // The noise is visible to a whole-host comparison (what the check did before): without the guard's record it is red.
        Assert.That(HostCheck.Differences(before, after, guard: null, []),
            Has.Some.Contains("/run/noise-").And.Some.Contains("link added: noise"), "the noise did not change the host");
    }

    [TestCase("/run/bashcni-leaked")]
    [TestCase("/var/log/bashcni-leaked.log")]
    public async Task AnEntryTheRunLeaksFailsAtOnceNamingThePath(string path)
    {
        var (_, after, _, run) = await RunTheLayerAsync($"touch '{path}'");
        Assert.That(run.ExitCode, Is.Not.Zero, "the write on the host succeeded");
        Assert.That(run.Stderr, Does.Contain(path).And.Contain("Read-only file system"));
        Assert.That(after.Entries, Does.Not.Contain(path), "the entry reached the host");
    }

    [Test]
    public async Task ALinkTheRunMakesNeverReachesTheHost()
    {
        var (before, after, guard, run) = await RunTheLayerAsync(
            "ip link add bashcni-leak type veth peer name bashcni-leakp && ip -br link show bashcni-leak");
        Assert.That(run.ExitCode, Is.Zero, "the link was not made at all: " + run.Stderr);
        Assert.That(run.Stdout, Does.Contain("bashcni-leak"));
        Assert.That(after.Links.Where(l => l.StartsWith("bashcni-leak", StringComparison.Ordinal)), Is.Empty, "the run's link reached the host");
        Assert.That(Check(before, after, guard), Is.Empty);
    }

    [Test]
    public async Task AProcessTheRunLeavesIsRedAndTheNoisesAreNot()
    {
        var (before, after, guard, run) = await RunTheLayerAsync("setsid sleep 600 </dev/null >/dev/null 2>&1 & echo \"leaked $!\"");
        var pid = int.Parse(run.Stdout.Split('\n').Single(l => l.StartsWith("leaked ", StringComparison.Ordinal))[7..], CultureInfo.InvariantCulture);
        _leaked.Add(pid);
        var diffs = Check(before, after, guard);
        Assert.That(diffs, Has.Count.EqualTo(1), string.Join("\n", diffs));
        Assert.That(diffs[0], Does.StartWith($"process of the run still running: {pid} sleep"));
    }
}
