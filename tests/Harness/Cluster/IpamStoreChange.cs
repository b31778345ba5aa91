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
        string podIp)
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
            if (!after.TryGetValue(ip, out var now)) problems.Add($"address {ip} of {id} was released too");
            else if (now != id) problems.Add($"address {ip} changed owner from {id} to {now}");
        }
        return problems;
    }

    /// <summary>Entries that appeared during the delete (other pods' addresses), for the report.</summary>
    public static IReadOnlyList<string> Added(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after, string podIp)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return after.Where(e => e.Key != podIp && !before.ContainsKey(e.Key)).Select(e => $"{e.Key} {e.Value}").ToList();
    }
}
