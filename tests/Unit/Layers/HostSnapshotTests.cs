using BashCni.Harness.Layers;
using BashCni.Harness.Sandbox;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Layers;

/// <summary>The host snapshot the final checks compare: it must name what a layer added or removed outside its sandbox.</summary>
[Category("Unit")]
public sealed class HostSnapshotTests
{
    private static HostSnapshot Snapshot(IReadOnlyList<string>? entries = null, IReadOnlyList<string>? temp = null) =>
        new(["lo UNKNOWN"], ["lo 127.0.0.1/8"], [], [], [], [], entries ?? ["/run", "/run/lock"], temp ?? [], []);

    [Test]
    public void TheWatchedDirectoriesAreTheOnesNothingMayTouch() =>
        Assert.That(HostSnapshot.WatchedDirectories, Is.SupersetOf(new[] { "/run", "/var/run/netns", "/etc/cni", "/opt/cni", "/var/lib/cni", "/var/log" }));

    [Test]
    public void AnEntryMadeOnTheHostIsNamed()
    {
        // What a sandbox that made its mount points on the host's filesystem leaves (seen on a fresh machine).
        var after = Snapshot(["/run", "/run/lock", "/run/mount", "/etc/cni", "/etc/cni/net.d", "/var/lib/cni"]);
        Assert.That(after.DifferencesFrom(Snapshot()), Is.EquivalentTo(new[]
        {
            "host entry added: /run/mount", "host entry added: /etc/cni", "host entry added: /etc/cni/net.d", "host entry added: /var/lib/cni",
        }));
    }

    [Test]
    public void ARemovedEntryAndALeftTemporaryFileAreNamed()
    {
        var after = Snapshot(["/run"], ["/tmp/run/bashcni-tf-1"]);
        Assert.That(after.DifferencesFrom(Snapshot()), Is.EquivalentTo(new[]
        {
            "host entry removed: /run/lock", "entry of the run's temporary directory added: /tmp/run/bashcni-tf-1",
        }));
    }

    [Test]
    public async Task ASavedSnapshotReadsBackEqual()
    {
        var dir = Directory.CreateTempSubdirectory("bashcni-snap-");
        try
        {
            var path = Path.Combine(dir.FullName, "host.json");
            var snapshot = await HostSnapshot.TakeAsync();
            await snapshot.SaveAsync(path);
            var read = await HostSnapshot.LoadAsync(path);
            // Children are compared as a list: DifferencesFrom names every child of the later snapshot as still running,
            // and tests of other fixtures running beside this one start processes of their own.
            Assert.That((read with { ChildProcesses = [] }).DifferencesFrom(snapshot with { ChildProcesses = [] }), Is.Empty);
            Assert.That(read.ChildProcesses, Is.EqualTo(snapshot.ChildProcesses));
            Assert.That(read.Entries, Is.EqualTo(snapshot.Entries));
            Assert.That(read.Entries, Does.Contain("/run"), "the snapshot lists the host's /run");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public async Task ATeardownCheckIsReadBackFromItsLayersStateDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("bashcni-state-");
        try
        {
            Assert.That(await LayerState.CheckAsync(dir.FullName, "some check"), Is.Null, "a check that never recorded anything");
            await File.WriteAllLinesAsync(Path.Combine(dir.FullName, "check-some-check.txt"), ["left: x"]);
            Assert.That(await LayerState.CheckAsync(dir.FullName, "some check"), Is.EqualTo(new[] { "left: x" }));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
