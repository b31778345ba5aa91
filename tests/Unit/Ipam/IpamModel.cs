using BashCni.Harness.Cni;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>
/// In-memory reference of host-local allocation over an ordered pool: the search starts after the last reserved
/// address and wraps; an attachment (container ID + ifname) holds at most one address; DEL frees exactly it.
/// </summary>
public sealed class IpamModel(IReadOnlyList<string> pool)
{
    private readonly Dictionary<(string Id, string IfName), int> _held = [];
    private int _last = -1;

    /// <summary>What ADD must answer: the address, or the error code.</summary>
    public (string? Ip, int? Code) Add(string id, string ifName)
    {
        if (_held.ContainsKey((id, ifName))) return (null, CniErrorCodes.DuplicateAdd);
        var taken = _held.Values.ToHashSet();
        for (var step = 1; step <= pool.Count; step++)
        {
            var index = ((_last + step) % pool.Count + pool.Count) % pool.Count;
            if (taken.Contains(index)) continue;
            _held[(id, ifName)] = index;
            _last = index;
            return (pool[index], null);
        }
        return (null, CniErrorCodes.RangeExhausted);
    }

    public void Del(string id, string ifName) => _held.Remove((id, ifName));

    /// <summary>The store the plugin must have: IP → "&lt;id&gt;\r\n&lt;ifname&gt;".</summary>
    public IReadOnlyDictionary<string, string> Store =>
        _held.ToDictionary(p => pool[p.Value], p => Ipam.Store.Entry(p.Key.Id, p.Key.IfName));
}
