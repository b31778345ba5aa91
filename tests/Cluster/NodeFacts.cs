using BashCni.Harness.Cluster;

namespace BashCni.Tests.Cluster;

/// <summary>What a node's plugin state looks like, read through <see cref="ICluster.RunOnNodeAsync"/>.</summary>
public static class NodeFacts
{
    /// <summary>Shell prelude: CONF (first network config), NAME (network name), STORE (IPAM store dir), LOG (plugin log).</summary>
    private const string Prelude = """
        set -euo pipefail
        shopt -s nullglob
        CONFS=(/etc/cni/net.d/*.conf /etc/cni/net.d/*.conflist)
        ((${#CONFS[@]})) || { echo "no network config in /etc/cni/net.d" >&2; exit 3; }
        CONF=$(printf '%s\n' "${CONFS[@]}" | sort | head -n1)
        NAME=$(jq -r '.name' "$CONF")
        DATA=$(jq -r '.dataDir // .ipam.dataDir // .plugins[0].ipam.dataDir // "/var/lib/cni/networks"' "$CONF")
        STORE="$DATA/$NAME"
        LOG=$(jq -r '.logFile // .plugins[0].logFile // "/var/log/bash-cni.log"' "$CONF")
        """;

    /// <summary>The node's IPAM reservations: IP → container ID (first line of the reservation file).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> IpamStoreAsync(ICluster cluster, string node, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        const string Script = Prelude + """

            [ -d "$STORE" ] || exit 0
            for f in "$STORE"/*; do
              [ -f "$f" ] || continue
              b=${f##*/}
              case "$b" in lock | last_reserved_ip*) continue ;; esac
              printf '%s %s\n' "$b" "$(head -n1 "$f" | tr -d '\r')"
            done
            """;
        var result = (await cluster.RunOnNodeAsync(node, Script, ct).ConfigureAwait(false)).EnsureSuccess();
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : "", StringComparer.Ordinal);
    }

    /// <summary>The plugin's log on the node (path from the installed config's logFile, default /var/log/bash-cni.log).</summary>
    public static async Task<string> PluginLogAsync(ICluster cluster, string node, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        const string Script = Prelude + """

            [ -f "$LOG" ] || { echo "plugin log $LOG does not exist" >&2; exit 4; }
            cat "$LOG"
            """;
        return (await cluster.RunOnNodeAsync(node, Script, ct).ConfigureAwait(false)).EnsureSuccess().Stdout;
    }
}
