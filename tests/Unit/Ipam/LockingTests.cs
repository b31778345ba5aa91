using System.Diagnostics;
using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using NUnit.Framework;
using Polly;
using Polly.Retry;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>The store lock: a call that cannot get it within lockTimeout fails with 11 and changes nothing.</summary>
public sealed class LockingTests : IpamTestBase
{
    private const int HoldSeconds = 4;

    [TestCase(CniCommand.Add)]
    [TestCase(CniCommand.Del)]
    public async Task CallFailsWithTryAgainWhileTheLockIsHeld(string command)
    {
        var config = Lab().LockTimeout(1);
        await AllocateAsync("ctr-1", config);
        var before = Reservations();

        var holder = HoldLockAsync();
        await WaitUntilHeldAsync();
        var clock = Stopwatch.StartNew();
        var blocked = await Ipam.InvokeAsync(command, Call(command == CniCommand.Add ? "ctr-2" : "ctr-1", config));
        var waited = clock.Elapsed;
        var held = await holder;
        var after = Reservations();
        var later = await AddAsync("ctr-3", config);

        Assert.Multiple(() =>
        {
            Assert.That(held.ExitCode, Is.Zero, held.ToString());
            var error = AssertCniError(blocked, CniErrorCodes.TryAgainLater);
            Assert.That(error.Msg, Is.Not.Empty);
            Assert.That(waited, Is.LessThan(TimeSpan.FromSeconds(HoldSeconds - 0.5)), "gave up after lockTimeout, not when the holder let go");
            Assert.That(waited, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)), "waited about lockTimeout before giving up");
            Assert.That(after, Is.EqualTo(before), "nothing changed without the lock");
            Assert.That(later.ExitCode, Is.Zero, $"works again once the lock is free\n{later}");
        });
    }

    private string LockPath => Path.Combine(StoreDir, Store.LockFile);

    private string HeldMarker => Path.Combine(TempRoot, "lock-held");

    /// <summary>Holds the store's flock for <see cref="HoldSeconds"/> in another process.</summary>
    private Task<CommandResult> HoldLockAsync() =>
        LocalRunner.Instance.RunAsync("flock", ["--exclusive", LockPath, "bash", "-c", $"touch \"$1\"; sleep {HoldSeconds}", "hold", HeldMarker]);

    private async Task WaitUntilHeldAsync()
    {
        var pipeline = new ResiliencePipelineBuilder<bool>()
            .AddRetry(new RetryStrategyOptions<bool>
            {
                ShouldHandle = new PredicateBuilder<bool>().HandleResult(false),
                MaxRetryAttempts = 100,
                Delay = TimeSpan.FromMilliseconds(20),
                BackoffType = DelayBackoffType.Constant,
            })
            .Build();
        var held = await pipeline.ExecuteAsync(_ => ValueTask.FromResult(File.Exists(HeldMarker)));
        Assert.That(held, Is.True, "the lock holder did not start");
    }
}
