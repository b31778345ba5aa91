namespace BashCni.Harness.Cni;

/// <summary>The cniVersions the harness understands and what changes between them.</summary>
public static class CniVersions
{
    public const string V030 = "0.3.0";
    public const string V031 = "0.3.1";
    public const string V040 = "0.4.0";
    public const string V100 = "1.0.0";
    public const string V110 = "1.1.0";

    /// <summary>Every version whose result format the harness parses, oldest first.</summary>
    public static IReadOnlyList<string> All { get; } = [V030, V031, V040, V100, V110];

    public static bool IsKnown(string? version) => version is not null && All.Contains(version, StringComparer.Ordinal);

    /// <summary>0.x results carry ips[].version ("4"/"6"); 1.0.0 removed it.</summary>
    public static bool HasIpVersionField(string version) => Compare(version, V100) < 0;

    /// <summary>CHECK exists from 0.4.0 on.</summary>
    public static bool HasCheck(string version) => Compare(version, V040) >= 0;

    /// <summary>STATUS and GC exist from 1.1.0 on.</summary>
    public static bool HasStatusAndGc(string version) => Compare(version, V110) >= 0;

    /// <summary>Orders dotted versions numerically ("0.3.1" &lt; "0.4.0" &lt; "1.0.0").</summary>
    public static int Compare(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var a = left.Split('.');
        var b = right.Split('.');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length && int.TryParse(a[i], System.Globalization.CultureInfo.InvariantCulture, out var xa) ? xa : 0;
            var y = i < b.Length && int.TryParse(b[i], System.Globalization.CultureInfo.InvariantCulture, out var yb) ? yb : 0;
            if (x != y) return x.CompareTo(y);
        }
        return 0;
    }
}
