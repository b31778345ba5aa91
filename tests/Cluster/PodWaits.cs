using BashCni.Harness.Cluster;

namespace BashCni.Tests.Cluster;

/// <summary>Bounded waits on pod state.</summary>
public static class PodWaits
{
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
                { Phase: "Running", Ip: not null } => Waits.Probe.Ok,
                _ => Waits.Probe.NotYet($"phase {last.Phase}, IP {last.Ip ?? "none"}"),
            };
        }, timeout ?? TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        return last!;
    }
}
