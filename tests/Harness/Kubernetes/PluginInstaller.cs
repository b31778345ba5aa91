using System.Text.RegularExpressions;
using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;

namespace BashCni.Harness.Kubernetes;

/// <summary>
/// Puts the plugin on a node through any <see cref="INodeAccess"/>: copies the plugin directory over and runs its
/// <c>install.sh --subnet &lt;podCIDR&gt; --network &lt;pod network&gt;</c> as root (idempotent, safe to re-run).
/// </summary>
public static partial class PluginInstaller
{
    /// <summary>Where the plugin's sources are placed on a node.</summary>
    public const string RemoteDirectory = "/opt/bash-cni/plugin";

    /// <summary>The script run on the node after the copy.</summary>
    public static string InstallScript(string podCidr, string podNetwork, string remoteDirectory = RemoteDirectory,
        IReadOnlyList<string>? extraArguments = null)
    {
        if (!CidrPattern().IsMatch(podCidr)) throw new ArgumentException($"not an IPv4 CIDR: '{podCidr}'", nameof(podCidr));
        if (!CidrPattern().IsMatch(podNetwork)) throw new ArgumentException($"not an IPv4 CIDR: '{podNetwork}'", nameof(podNetwork));
        var extra = string.Concat((extraArguments ?? []).Select(a => " " + SshNodeAccess.ShellQuote(a)));
        return $"""
            set -euo pipefail
            bash {SshNodeAccess.ShellQuote(remoteDirectory + "/install.sh")} --subnet {podCidr} --network {podNetwork}{extra}
            """ + "\n";
    }

    /// <summary>Copies <paramref name="pluginDirectory"/> to the node and installs it with the node's pod subnet.</summary>
    public static Task<CommandResult> InstallAsync(INodeAccess node, string pluginDirectory, string podCidr, string podNetwork,
        IReadOnlyList<string>? extraArguments = null, string remoteDirectory = RemoteDirectory,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (!File.Exists(Path.Combine(pluginDirectory, "install.sh")))
            throw new FileNotFoundException($"no install.sh in the plugin directory '{pluginDirectory}'");
        return Evidence.StepAsync($"install the plugin on {node.NodeName} ({podCidr}) over {node.Kind}", async () =>
        {
            Evidence.Parameter("node", node.NodeName);
            Evidence.Parameter("podCIDR", podCidr);
            await node.CopyDirectoryAsync(pluginDirectory, remoteDirectory, cancellationToken).ConfigureAwait(false);
            var script = InstallScript(podCidr, podNetwork, remoteDirectory, extraArguments);
            var result = await node.RunAsync(script, cancellationToken).ConfigureAwait(false);
            Evidence.Attach($"install.sh on {node.NodeName}", result.ToString());
            return result.EnsureSuccess();
        });
    }

    [GeneratedRegex(@"^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}/([0-9]|[12]\d|3[0-2])$")]
    private static partial Regex CidrPattern();
}
