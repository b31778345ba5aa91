namespace BashCni.Harness.Cluster;

/// <summary>
/// What deleting one pod did to its node's IPAM store (address → owner), judged on that pod's own address: it is
/// released, and no entry that was there before changed or went away. Entries that appear meanwhile are other pods'
/// (on kind/kubeadm CoreDNS and other system pods take addresses from the plugin on the same nodes) and are reported,
/// not counted.
/// </summary>
public static class IpamStoreChange
{
    /// <summary>The problems of the store change (empty when the delete released exactly the pod's own entry).</summary>
    public static IReadOnlyList<string> AfterDelete(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after,
        string podIp) => AfterDelete(before, after, podIp, null);

    /// <summary>As <see cref="AfterDelete(IReadOnlyDictionary{string, string}, IReadOnlyDictionary{string, string}, string)"/>,
    /// with the addresses pods hold on the node after the delete as the cluster reports them (<paramref name="live"/>:
    /// IP → pod, null when unknown): another entry that went is then a problem only while a pod still holds its address
    /// (a system pod restarted meanwhile released its own).</summary>
    public static IReadOnlyList<string> AfterDelete(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after,
        string podIp, IReadOnlyDictionary<string, string>? live)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentException.ThrowIfNullOrEmpty(podIp);
        var problems = new List<string>();
        if (!before.ContainsKey(podIp)) problems.Add($"address {podIp} was not reserved before the delete");
        if (after.TryGetValue(podIp, out var owner) && (!before.TryGetValue(podIp, out var was) || owner == was))
            problems.Add($"address {podIp} is still reserved by {owner} after the delete");
        foreach (var (ip, id) in before.Where(e => e.Key != podIp))
        {
            if (!after.TryGetValue(ip, out var now))
            {
                if (live is null) problems.Add($"address {ip} of {id} was released too");
                else if (live.TryGetValue(ip, out var holder)) problems.Add($"address {ip} of {id} was released too, while pod {holder} still holds it");
            }
            else if (now != id) problems.Add($"address {ip} changed owner from {id} to {now}");
        }
        return problems;
    }

    /// <summary>Other entries that went during the delete whose address no pod holds any more (their pods went:
    /// e.g. a system pod restarted), for the report.</summary>
    public static IReadOnlyList<string> ReleasedWithTheirPods(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after,
        string podIp, IReadOnlyDictionary<string, string>? live)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return live is null ? []
            : before.Where(e => e.Key != podIp && !after.ContainsKey(e.Key) && !live.ContainsKey(e.Key)).Select(e => $"{e.Key} {e.Value}").ToList();
    }

    /// <summary>Entries that appeared during the delete (other pods' addresses), for the report.</summary>
    public static IReadOnlyList<string> Added(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after, string podIp)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return after.Where(e => e.Key != podIp && !before.ContainsKey(e.Key)).Select(e => $"{e.Key} {e.Value}").ToList();
    }
}
