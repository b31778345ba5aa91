using System.Text.RegularExpressions;

namespace BashCni.Harness.Cluster;

/// <summary>Reading the plugin's log lines (src/Plugin/source/cni.sh, cni_log): each call's line names the pod of
/// CNI_ARGS as <c>pod=&lt;namespace&gt;/&lt;name&gt;</c> (or <c>pod=&lt;name&gt;</c> without a namespace).</summary>
public static class PluginLogLines
{
    /// <summary>Whether a line of <paramref name="log"/> names pod <paramref name="podName"/> exactly (bash-worker-1
    /// is not named by a line about bash-worker-10).</summary>
    public static bool NamesPod(string log, string podName)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentException.ThrowIfNullOrEmpty(podName);
        return Regex.IsMatch(log, @"(?:^|\s)pod=(?:[^\s/]+/)?" + Regex.Escape(podName) + @"(?=\s|$)",
            RegexOptions.Multiline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
    }
}
