using BashCni.Harness.Cni;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>Reads a bash-cni-ipam store directory: one file per reserved IP plus last_reserved_ip.0 and lock.</summary>
public static class Store
{
    public const string LastReservedFile = "last_reserved_ip.0";
    public const string LockFile = "lock";

    /// <summary>Reserved IP → file content, ordered by address. Empty when the directory does not exist.</summary>
    public static IReadOnlyDictionary<string, string> Reservations(string storeDir)
    {
        var result = new SortedDictionary<string, string>(Comparer<string>.Create((a, b) =>
            Cidr.ToUInt32(Cidr.ParseIPv4(a)).CompareTo(Cidr.ToUInt32(Cidr.ParseIPv4(b)))));
        if (!Directory.Exists(storeDir)) return result;
        foreach (var file in Directory.EnumerateFiles(storeDir))
        {
            var name = Path.GetFileName(file);
            if (Cidr.TryParseIPv4(name, out _)) result[name] = File.ReadAllText(file);
        }
        return result;
    }

    /// <summary>Every entry of the directory with its content (for reports).</summary>
    public static IReadOnlyDictionary<string, string> Snapshot(string storeDir)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(storeDir)) return result;
        foreach (var entry in Directory.EnumerateFileSystemEntries(storeDir))
            result[Path.GetFileName(entry)] = File.Exists(entry) ? File.ReadAllText(entry).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) : "(dir)";
        return result;
    }

    /// <summary>The content bash-cni-ipam writes for a reservation.</summary>
    public static string Entry(string containerId, string ifName) => containerId + "\r\n" + ifName;

    /// <summary>bash-cni-ipam's own index of the store: <c>.ids/&lt;id&gt;:&lt;ifname&gt;</c> holding the address.</summary>
    public const string IndexDir = ".ids";

    /// <summary>
    /// Names in the store that are neither reservations, the two bookkeeping files, nor index entries
    /// (<c>.ids/&lt;id&gt;:&lt;ifname&gt;</c> and the index's own dot-file markers): temporary files left behind, for example.
    /// </summary>
    public static IReadOnlyList<string> Strays(string storeDir)
    {
        if (!Directory.Exists(storeDir)) return [];
        var strays = Directory.EnumerateFileSystemEntries(storeDir).Select(Path.GetFileName).OfType<string>()
            .Where(n => !Cidr.TryParseIPv4(n, out _) && n != LastReservedFile && n != LockFile && n != IndexDir).ToList();
        var index = Path.Combine(storeDir, IndexDir);
        if (Directory.Exists(index))
            strays.AddRange(Directory.EnumerateFileSystemEntries(index).Select(Path.GetFileName).OfType<string>()
                .Where(n => !n.StartsWith('.') && !System.Text.RegularExpressions.Regex.IsMatch(n, "^[A-Za-z0-9][A-Za-z0-9_.-]*:[^/:\\s]{1,15}$"))
                .Select(n => IndexDir + "/" + n));
        return strays.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Index entries that do not point to a reservation held by their attachment (left behind by a release).</summary>
    public static IReadOnlyList<string> StaleIndexEntries(string storeDir)
    {
        var index = Path.Combine(storeDir, IndexDir);
        if (!Directory.Exists(index)) return [];
        var stale = new List<string>();
        foreach (var file in Directory.EnumerateFiles(index))
        {
            var name = Path.GetFileName(file);
            var colon = name.LastIndexOf(':');
            if (colon <= 0) continue;
            var ip = File.ReadAllText(file).Trim();
            var reservation = Path.Combine(storeDir, ip);
            if (!Cidr.TryParseIPv4(ip, out _) || !File.Exists(reservation) || File.ReadAllText(reservation) != Entry(name[..colon], name[(colon + 1)..]))
                stale.Add($"{IndexDir}/{name} -> {ip}");
        }
        return stale;
    }
}
