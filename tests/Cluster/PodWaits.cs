using BashCni.Harness.Cluster;

namespace BashCni.Tests.Cluster;

/// <summary>Bounded waits on pod state.</summary>
public static class PodWaits
{
    /// <summary>60 s on the local cluster (images are imported); 10 minutes on a real one, where the first start
    /// includes image pulls (progress shows "pulling"; a failed pull ends the wait at once).</summary>
    public static TimeSpan DefaultTimeout(ICluster cluster) =>
        cluster?.Kind == "local" ? TimeSpan.FromSeconds(60) : TimeSpan.FromMinutes(10);

    public static async Task<PodState> RunningWithIpAsync(ICluster cluster, string podName, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        PodState? last = null;
        await Waits.UntilAsync($"pod {podName} Running with an IP", async ct =>
        {
            last = await cluster.GetPodAsync(podName, ct).ConfigureAwait(false);
            return last switch
            {
                null => Waits.Probe.Failed("the pod does not exist (deleted, or never created)"),
                { Problem: { } problem } => Waits.Probe.Failed(problem),
                { Phase: "Running", Ip: not null } => Waits.Probe.Ok,
                _ => Waits.Probe.NotYet($"phase {last.Phase}, IP {last.Ip ?? "none"}"),
            };
        }, timeout ?? DefaultTimeout(cluster), TimeSpan.FromMilliseconds(cluster.Kind == "local" ? 100 : 1000), cancellationToken).ConfigureAwait(false);
        return last!;
    }
}
