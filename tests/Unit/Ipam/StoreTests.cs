using System.Text;
using BashCni.Harness.Sandbox;
using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>The on-disk store: file per IP named by the IP, its content and modes, bookkeeping files, no strays.</summary>
[Feature("Store")]
public sealed class StoreTests : IpamTestBase
{
    [Test]
    public async Task ReservationFileHoldsContainerIdAndIfName()
    {
        var ip = await AllocateAsync("0123456789abcdef", ifname: "net1");

        var bytes = await File.ReadAllBytesAsync(Path.Combine(StoreDir, ip));

        Assert.That(Encoding.UTF8.GetString(bytes), Is.EqualTo("0123456789abcdef\r\nnet1"), "exactly <id>\\r\\n<ifname>, no trailing newline");
    }

    [Test]
    public async Task StoreModesAre0600ForFilesAnd0755ForTheDirectory()
    {
        var ip = await AllocateAsync("ctr-1");

        Assert.Multiple(() =>
        {
            Assert.That(File.GetUnixFileMode(Path.Combine(StoreDir, ip)),
                Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), "reservation file mode 0600");
            Assert.That(File.GetUnixFileMode(StoreDir), Is.EqualTo(
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute),
                "store directory mode 0755");
        });
    }

    [Test]
    public async Task StoreHoldsOnlyReservationsLockAndLastReserved()
    {
        for (var i = 0; i < 3; i++) await AllocateAsync($"ctr-{i}");
        await ReleaseAsync("ctr-1");

        Assert.Multiple(() =>
        {
            Assert.That(Reservations().Keys, Is.EqualTo(new[] { "10.244.1.2", "10.244.1.4" }));
            Assert.That(File.Exists(Path.Combine(StoreDir, Store.LockFile)), Is.True, "the lock file");
            Assert.That(File.Exists(Path.Combine(StoreDir, Store.LastReservedFile)), Is.True, "last_reserved_ip.0");
            Assert.That(Store.Strays(StoreDir), Is.Empty, "no temporary or other files");
            Assert.That(Store.StaleIndexEntries(StoreDir), Is.Empty, "no index entry outlives its reservation");
        });
    }

    [Test]
    public async Task NestedDataDirIsCreated()
    {
        var dataDir = Path.Combine(TempRoot, "deep", "er", "data");
        var config = Lab().DataDir(dataDir);

        var ip = await AllocateAsync("ctr-1", config);

        Assert.That(File.ReadAllText(Path.Combine(dataDir, NetName, ip)), Is.EqualTo(Store.Entry("ctr-1", "eth0")));
    }

    [Test]
    public async Task ExistingReservationFileIsNeitherReusedNorOverwritten()
    {
        Directory.CreateDirectory(StoreDir);
        var foreign = Path.Combine(StoreDir, "10.244.1.2");
        await File.WriteAllTextAsync(foreign, Store.Entry("someone-else", "eth0"));

        var ip = await AllocateAsync("ctr-1");

        Assert.Multiple(() =>
        {
            Assert.That(ip, Is.EqualTo("10.244.1.3"), "a file for .2 means .2 is taken");
            Assert.That(File.ReadAllText(foreign), Is.EqualTo(Store.Entry("someone-else", "eth0")));
        });
    }

    [Test]
    public async Task EmptyReservationFileStillCountsAsTaken()
    {
        Directory.CreateDirectory(StoreDir);
        await File.WriteAllTextAsync(Path.Combine(StoreDir, "10.244.1.2"), "");

        Assert.That(await AllocateAsync("ctr-1"), Is.EqualTo("10.244.1.3"));
    }

    [Test]
    public async Task DelRemovesTheReservationFile()
    {
        var ip = await AllocateAsync("ctr-1");
        await ReleaseAsync("ctr-1");

        Assert.That(File.Exists(Path.Combine(StoreDir, ip)), Is.False);
    }

    [Test]
    public async Task StoreWrittenByHandIsReleasedByDel()
    {
        // A reservation in the documented format (as another host-local compatible writer leaves it) is found by DEL.
        Directory.CreateDirectory(StoreDir);
        await File.WriteAllTextAsync(Path.Combine(StoreDir, "10.244.1.9"), Store.Entry("ctr-9", "eth0"));

        await ReleaseAsync("ctr-9");

        Assert.That(Reservations(), Is.Empty);
    }

    [Test]
    public async Task ReservationWrittenBesideAnExistingStoreIsReleasedByDel()
    {
        // The files are the store: a reservation in the documented format that appears after the plugin made the
        // store (another host-local compatible writer, a restored backup, a crash between two writes) is released.
        await AllocateAsync("ctr-1");
        await File.WriteAllTextAsync(Path.Combine(StoreDir, "10.244.1.9"), Store.Entry("ctr-9", "eth0"));

        await ReleaseAsync("ctr-9");

        Assert.That(Reservations().Keys, Is.EqualTo(new[] { "10.244.1.2" }), "ctr-9's 10.244.1.9 is released, ctr-1 keeps its address");
    }

    [Test]
    public async Task ReservationWrittenBesideAnExistingStoreCountsForDuplicateAdd()
    {
        await AllocateAsync("ctr-1");
        await File.WriteAllTextAsync(Path.Combine(StoreDir, "10.244.1.9"), Store.Entry("ctr-9", "eth0"));

        var again = await AddAsync("ctr-9");

        var error = AssertCniError(again, CniErrorCodes.DuplicateAdd);
        Assert.Multiple(() =>
        {
            Assert.That(error.Msg, Does.Contain("10.244.1.9"));
            Assert.That(Reservations().Keys, Is.EqualTo(new[] { "10.244.1.2", "10.244.1.9" }), "no second address for ctr-9");
        });
    }

    [Test]
    public async Task LockIsNotHeldAfterTheCall()
    {
        await AllocateAsync("ctr-1");

        var probe = await LocalRunner.Instance.RunAsync("flock", ["--nonblock", "--exclusive", Path.Combine(StoreDir, Store.LockFile), "true"]);

        Assert.That(probe.ExitCode, Is.Zero, $"the store lock is free once ADD returned\n{probe}");
    }

    [Test]
    public async Task LogFileReceivesEntriesAndUnwritableLogDoesNotFailTheCall()
    {
        await AllocateAsync("ctr-1");
        var withBadLog = Lab().LogFile(Path.Combine(TempRoot, "no-such-dir-file", "x", "bash-cni.log"));
        await File.WriteAllTextAsync(Path.Combine(TempRoot, "no-such-dir-file"), "a regular file blocks the log directory");

        var add = await AddAsync("ctr-2", withBadLog);

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(LogPath) && new FileInfo(LogPath).Length > 0, Is.True, "the plugin logs to logFile");
            Assert.That(add.ExitCode, Is.Zero, $"logging is best effort\n{add}");
        });
    }
}
