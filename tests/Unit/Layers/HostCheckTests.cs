using BashCni.Harness.Layers;
using BashCni.Harness.Sandbox;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Layers;

/// <summary>The final host check: a leaked process is seen, an unreadable firewall is not "unchanged", and under the host guard the machine's own changes are not the run's.</summary>
[Category("Unit")]
public sealed class HostCheckTests
{
    private static HostSnapshot Snapshot(IReadOnlyList<string>? links = null, IReadOnlyList<string>? firewall = null, IReadOnlyList<string>? entries = null) =>
        new(links ?? ["lo UNKNOWN"], [], [], [], [], firewall ?? [], entries ?? ["/run"], [], []);

    [Test]
    public void AFirewallThatCouldNotBeReadIsADifference()
    {
        // Before: both reads failed and both sections were empty — "unchanged".
        var failed = Snapshot(firewall: ["!unreadable: iptables-save failed: iptables-save: command not found"]);
        Assert.That(failed.DifferencesFrom(failed), Has.Some.StartsWith("firewall could not be read"));
        var notRoot = Snapshot(firewall: ["!not-root"]);
        Assert.That(notRoot.DifferencesFrom(notRoot), Is.Empty, "without root the run can neither read nor change the firewall");
    }

    [Test]
    public void UnguardedTheWholeHostIsCompared()
    {
        var diffs = HostCheck.Differences(Snapshot(), Snapshot(links: ["lo UNKNOWN", "veth1 UP"], entries: ["/run", "/run/x"]), guard: null, []);
        Assert.That(diffs, Is.EquivalentTo(new[] { "link added: veth1 UP", "host entry added: /run/x" }));
    }

    [Test]
    public void UnderAGuardThatHeldTheMachinesOwnChangesAreNotTheRuns()
    {
        var busy = Snapshot(links: ["lo UNKNOWN", "docker0 UP"], entries: ["/run", "/run/docker.pid", "/var/log/journal/x"]);
        Assert.That(HostCheck.Differences(Snapshot(), busy, guard: [], []), Is.Empty);
    }

    [Test]
    public void AGuardThatDidNotHoldIsRed()
    {
        var diffs = HostCheck.Differences(Snapshot(), Snapshot(), guard: ["/var/log is writable under the guard (rw,relatime)"], []);
        Assert.That(diffs.Single(), Does.StartWith("host guard did not hold: /var/log is writable"));
    }

    [Test]
    public void ALeftProcessIsRedGuardedOrNot([Values] bool guarded)
    {
        var diffs = HostCheck.Differences(Snapshot(), Snapshot(), guarded ? [] : null, ["4242 sleep: sleep 600"]);
        Assert.That(diffs.Single(), Is.EqualTo("process of the run still running: 4242 sleep: sleep 600"));
    }

    [Test]
    public async Task AProcessReParentedToInitIsFoundByTheRunsMark()
    {
        // A detached process whose parent exited (the old check looked for children of the checking process only).
        var mark = "BASHCNI_LAYER_STATE=/nonexistent/bashcni-mark-" + Guid.NewGuid().ToString("N");
        var noise = "BASHCNI_LAYER_STATE=/nonexistent/other-" + Guid.NewGuid().ToString("N");
        var pids = new List<int>();
        try
        {
            foreach (var m in new[] { mark, noise })
            {
                var r = await LocalRunner.Instance.RunCheckedAsync("env", [m, "bash", "-c", "setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $!"]);
                pids.Add(int.Parse(r.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture));
            }
            var found = RunProcesses.Carrying(mark, Environment.ProcessId);
            Assert.That(found, Has.Count.EqualTo(1), string.Join("\n", found));
            Assert.That(found[0], Does.StartWith($"{pids[0]} sleep: sleep 300"));
        }
        finally
        {
            foreach (var pid in pids)
            {
                try { System.Diagnostics.Process.GetProcessById(pid).Kill(); }
                catch (ArgumentException) { } // already gone
            }
        }
    }

    [Test]
    public void TheGuardHoldsOnlyWhenEveryReachableMountUnderItIsReadOnly()
    {
        const string guarded = "/run /var/log /etc/cni /opt /var/lib";
        const string mounts = "/ rw,relatime\n/run rw,nosuid\n/run ro,nosuid\n/run/user/0 ro,nosuid\n/var/log ro\n/etc/cni ro\n/etc/cni/net.d rw\n/etc/cni/net.d ro\n";
        Assert.That(HostGuard.Problems("4026531840", "4026532999", guarded, mounts), Is.Empty);
        Assert.That(HostGuard.Problems("4026531840", "4026531840", guarded, mounts), Has.Some.Contains("network namespace is the host's"));
        Assert.That(HostGuard.Problems("1", "2", guarded, mounts + "/run/user/0 rw,nosuid\n"), Has.Some.StartsWith("/run/user/0 is writable"));
        Assert.That(HostGuard.Problems("1", "2", "/run /etc/cni /opt /var/lib", mounts), Has.Some.StartsWith("/var/log is not under a read-only mount"));
    }
}
