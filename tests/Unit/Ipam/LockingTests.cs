using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>The store lock: a call that cannot get it within lockTimeout fails with 11 and changes nothing.</summary>
[Feature("Locking")]
[Severity(SeverityLevel.Critical)]
public sealed class LockingTests : IpamTestBase
{
    /// <summary>Upper bound for the lock holder, should the test die before releasing it.</summary>
    private const int MaxHoldSeconds = 30;

    /// <summary>
    /// Judged by what the processes did, never by the clock (a loaded machine stretches every duration): the blocked
    /// call's <c>flock</c> (a stand-in first on its PATH that runs the real one and records its arguments and exit
    /// status) was given the configured lockTimeout, not the 10 s default, and gave up by itself (exit 75, its
    /// timeout) while the holder still held the lock — the holder is released only after the call returned.
    /// </summary>
    [TestCase(CniCommand.Add)]
    [TestCase(CniCommand.Del)]
    public async Task CallFailsWithTryAgainWhileTheLockIsHeld(string command)
    {
        var config = Lab().LockTimeout(1);
        await AllocateAsync("ctr-1", config);
        var before = Reservations();

        var holder = await StartHolderAsync();
        await WaitUntilHeldAsync();
        Ipam.Timeout = TimeSpan.FromSeconds(20);
        var flockLog = await FlockStandInAsync();
        var call = Call(command == CniCommand.Add ? "ctr-2" : "ctr-1", config)
            .WithEnv("PATH", Path.GetDirectoryName(flockLog) + ":" + Environment.GetEnvironmentVariable("PATH"))
            .WithEnv("BASHCNI_FLOCK_LOG", flockLog);
        var blocked = await Ipam.InvokeAsync(command, call);
        var flocks = File.Exists(flockLog) ? await File.ReadAllLinesAsync(flockLog) : [];
        await File.WriteAllTextAsync(ReleaseMarker, "");
        var held = await holder;
        var after = Reservations();
        var later = await AddAsync("ctr-3", config);
        Evidence.Attach("flock calls of the blocked call", string.Join('\n', flocks));

        Assert.Multiple(() =>
        {
            Assert.That(held.ExitCode, Is.Zero, held.ToString());
            Assert.That(held.Stdout, Does.Contain("released"), $"the lock was held until the blocked call returned\n{held}");
            var error = AssertCniError(blocked, CniErrorCodes.TryAgainLater);
            Assert.That(error.Msg, Is.Not.Empty);
            Assert.That(flocks, Has.Some.Match(@"(^| )-w 1 .*exit 75$"),
                "the blocked call's flock waited the configured lockTimeout (-w 1) and timed out (exit 75) while the lock was held");
            Assert.That(flocks, Has.None.Match(@"(^| )-w 10 "), "the 10 s default was used instead of lockTimeout 1");
            Assert.That(after, Is.EqualTo(before), "nothing changed without the lock");
            Assert.That(later.ExitCode, Is.Zero, $"works again once the lock is free\n{later}");
        });
    }

    /// <summary>
    /// A <c>flock</c> stand-in in a directory of its own: runs the real flock (inheriting the caller's descriptors)
    /// and appends "ARGS exit RC" to <c>$BASHCNI_FLOCK_LOG</c>. Returns the log's path (in that directory).
    /// </summary>
    private async Task<string> FlockStandInAsync()
    {
        var which = await LocalRunner.Instance.RunCheckedAsync("bash", ["-c", "command -v flock"]);
        var real = which.Stdout.Trim();
        var dir = Directory.CreateDirectory(Path.Combine(TempRoot, "flock-stand-in")).FullName;
        var script = Path.Combine(dir, "flock");
        await File.WriteAllTextAsync(script, $$"""
            #!/bin/bash
            rc=0
            '{{real}}' "$@" || rc=$?
            printf '%s exit %d\n' "$*" "$rc" >>"$BASHCNI_FLOCK_LOG"
            exit "$rc"
            """ + "\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return Path.Combine(dir, "flock.log");
    }

    private string LockPath => Path.Combine(StoreDir, Store.LockFile);

    /// <summary>A FIFO the holder writes "held" to once it holds the lock (the test reads it: progress, not a time budget).</summary>
    private string HeldMarker => Path.Combine(TempRoot, "lock-held");

    private string ReleaseMarker => Path.Combine(TempRoot, "lock-release");

    /// <summary>Holds the store's flock in another process until <see cref="ReleaseMarker"/> appears (at most <see cref="MaxHoldSeconds"/>).</summary>
    /// <remarks>Makes <see cref="HeldMarker"/> (a FIFO) first; returns the running holder.</remarks>
    private async Task<Task<CommandResult>> StartHolderAsync()
    {
        await LocalRunner.Instance.RunCheckedAsync("mkfifo", [HeldMarker]);
        return LocalRunner.Instance.RunAsync("flock", ["--exclusive", LockPath, "bash", "-c", HoldScript, "hold", HeldMarker, ReleaseMarker]);
    }

    private static readonly string HoldScript = $$"""
        echo held >"$1"
        for ((i = 0; i < {{MaxHoldSeconds * 20}}; i++)); do
          if [[ -e "$2" ]]; then echo released; exit 0; fi
          sleep 0.05
        done
        echo "gave up waiting for the release marker"
        """;

    /// <summary>Makes the FIFO, then waits until the holder reports through it that it holds the lock.</summary>
    private async Task WaitUntilHeldAsync()
    {
        // The holder opens the FIFO for writing only once flock gave it the lock; reading it returns its line then.
        // The timeout is a guard against a holder that never started, not a bound on how long starting may take.
        var read = await LocalRunner.Instance.RunAsync("cat", [HeldMarker], new CommandOptions { Timeout = TimeSpan.FromMinutes(5) });
        Assert.That(read.Stdout.Trim(), Is.EqualTo("held"), $"the lock holder did not report holding the lock: {read}");
    }
}
