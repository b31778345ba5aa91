using System.Diagnostics;
using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Harness.Reporting;
using NUnit.Framework;
using Polly;
using Polly.Retry;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>The store lock: a call that cannot get it within lockTimeout fails with 11 and changes nothing.</summary>
[Feature("Locking")]
[Severity(SeverityLevel.Critical)]
public sealed class LockingTests : IpamTestBase
{
    /// <summary>Upper bound for the lock holder, should the test die before releasing it.</summary>
    private const int MaxHoldSeconds = 30;

    [TestCase(CniCommand.Add)]
    [TestCase(CniCommand.Del)]
    public async Task CallFailsWithTryAgainWhileTheLockIsHeld(string command)
    {
        var config = Lab().LockTimeout(1);
        await AllocateAsync("ctr-1", config);
        var before = Reservations();

        var holder = HoldLockAsync();
        await WaitUntilHeldAsync();
        Ipam.Timeout = TimeSpan.FromSeconds(20);
        var clock = Stopwatch.StartNew();
        var blocked = await Ipam.InvokeAsync(command, Call(command == CniCommand.Add ? "ctr-2" : "ctr-1", config));
        var waited = clock.Elapsed;
        await File.WriteAllTextAsync(ReleaseMarker, "");
        var held = await holder;
        var after = Reservations();
        var later = await AddAsync("ctr-3", config);

        Assert.Multiple(() =>
        {
            Assert.That(held.ExitCode, Is.Zero, held.ToString());
            Assert.That(held.Stdout, Does.Contain("released"), $"the lock was held until the blocked call returned\n{held}");
            var error = AssertCniError(blocked, CniErrorCodes.TryAgainLater);
            Assert.That(error.Msg, Is.Not.Empty);
            Assert.That(waited, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)), "waited about lockTimeout before giving up");
            Assert.That(waited, Is.LessThan(TimeSpan.FromSeconds(8)), "honoured lockTimeout (1 s), not the 10 s default");
            Assert.That(after, Is.EqualTo(before), "nothing changed without the lock");
            Assert.That(later.ExitCode, Is.Zero, $"works again once the lock is free\n{later}");
        });
    }

    private string LockPath => Path.Combine(StoreDir, Store.LockFile);

    private string HeldMarker => Path.Combine(TempRoot, "lock-held");

    private string ReleaseMarker => Path.Combine(TempRoot, "lock-release");

    /// <summary>Holds the store's flock in another process until <see cref="ReleaseMarker"/> appears (at most <see cref="MaxHoldSeconds"/>).</summary>
    private Task<CommandResult> HoldLockAsync() =>
        LocalRunner.Instance.RunAsync("flock", ["--exclusive", LockPath, "bash", "-c", HoldScript, "hold", HeldMarker, ReleaseMarker]);

    private static readonly string HoldScript = $$"""
        touch "$1"
        for ((i = 0; i < {{MaxHoldSeconds * 20}}; i++)); do
          if [[ -e "$2" ]]; then echo released; exit 0; fi
          sleep 0.05
        done
        echo "gave up waiting for the release marker"
        """;

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
