using System.Text.Json.Nodes;
using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Config;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

/// <summary>
/// The profile's delegated IPAM behind a wrapper of a check's own: the config with a delegated IPAM (bash-cni: its
/// standard form, ipam bash-cni-ipam) names the wrapper's type instead, and <see cref="Env"/> puts the wrapper's
/// directory first on CNI_PATH. The wrapper script gets the real IPAM's path and decides what it passes on.
/// </summary>
public sealed record WrapperIpam(NetworkConfig Config, IReadOnlyDictionary<string, string?> Env)
{
    /// <summary>
    /// Writes the wrapper <paramref name="type"/> (<paramref name="script"/>: the real IPAM's path → the bash script)
    /// into the node's state dir; null when the profile delegates to no IPAM plugin. <paramref name="cniVersion"/>, when
    /// given, replaces the config's.
    /// </summary>
    public static async Task<WrapperIpam?> InstallAsync(TestNode node, string type, Func<string, string> script, string? cniVersion = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(script);
        var config = node.Profile.IsBashCni ? new FieldForms(node, ConfigForm.Ipam).Base()
            : cniVersion is null ? node.Config() : node.Config(cniVersion);
        if (config.IpamType is not { } ipamType) return null;
        var o = config.ToJsonObject();
        if (cniVersion is not null) o["cniVersion"] = cniVersion;
        ((JsonObject)o["ipam"]!)["type"] = type;
        var dir = $"{node.Node.StateDir}/{type}";
        await node.Runner.RunCheckedAsync("bash", ["-c", "mkdir -p \"$1\" && printf '%s\\n' \"$2\" >\"$1/$3\" && chmod 0755 \"$1/$3\"",
            "wrap", dir, script(Path.Combine(node.Profile.PluginDir, ipamType)), type]).ConfigureAwait(false);
        return new WrapperIpam(NetworkConfig.Parse(o.ToJsonString()),
            new Dictionary<string, string?>(StringComparer.Ordinal) { ["CNI_PATH"] = $"{dir}:{node.Profile.PluginDir}" });
    }
}
