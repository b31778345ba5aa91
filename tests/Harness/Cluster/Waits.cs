using Polly;
using Polly.Retry;

namespace BashCni.Harness.Cluster;

/// <summary>Bounded waits built on Polly: poll a probe until it reports success or the time is up.</summary>
public static class Waits
{
    /// <summary>What one probe found: done, or not yet and why.</summary>
    public readonly record struct Probe(bool Done, string Reason, bool Fatal = false)
    {
        public static Probe Ok { get; } = new(true, "");

        public static Probe NotYet(string reason) => new(false, reason);

        /// <summary>Stop waiting: the awaited state can no longer come (the wait throws with the reason).</summary>
        public static Probe Failed(string reason) => new(false, reason, Fatal: true);
    }

    /// <summary>
    /// Calls <paramref name="probe"/> every <paramref name="interval"/> until it is done; throws
    /// <see cref="TimeoutException"/> naming <paramref name="what"/> and the last reason after <paramref name="timeout"/>.
    /// Exceptions thrown by the probe count as "not yet" (their message becomes the reason).
    /// </summary>
    public static async Task UntilAsync(string what, Func<CancellationToken, ValueTask<Probe>> probe, TimeSpan timeout,
        TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var lastReason = "not probed yet";
        var step = interval ?? TimeSpan.FromMilliseconds(100);
        var pipeline = new ResiliencePipelineBuilder<Probe>()
            .AddTimeout(timeout)
            .AddRetry(new RetryStrategyOptions<Probe>
            {
                ShouldHandle = new PredicateBuilder<Probe>().HandleResult(p => !p.Done && !p.Fatal).Handle<Exception>(e => e is not OperationCanceledException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Constant,
                Delay = step,
                UseJitter = false,
            })
            .Build();
        try
        {
            var outcome = await pipeline.ExecuteAsync(async ct =>
            {
                Probe result;
                try
                {
                    result = await probe(ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    lastReason = e.Message;
                    throw;
                }
                if (!result.Done) lastReason = result.Reason;
                return result;
            }, cancellationToken).ConfigureAwait(false);
            if (outcome.Fatal) throw new InvalidOperationException($"{what}: {outcome.Reason}");
        }
        catch (Polly.Timeout.TimeoutRejectedException)
        {
            throw new TimeoutException($"{what}: not reached within {timeout.TotalSeconds:F0} s; last: {lastReason}");
        }
    }
}
