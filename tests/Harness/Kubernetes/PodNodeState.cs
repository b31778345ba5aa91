using System.Globalization;
using System.Text;

namespace BashCni.Harness.Kubernetes;

/// <summary>
/// What a node still holds for one pod of the plugin: the IPAM store entry of its address (owner container ID and
/// interface) and its host veth (named by the plugin: <c>veth</c> + FNV-1a-32 of <c>containerID/ifname</c>, see
/// src/Plugin/README.md). Read with one script over the node access.
/// </summary>
public sealed record PodNodeState(string? StoreOwner, string? StoreIfname, bool HostVethPresent)
{
    /// <summary>First line of every query script: a node double recognises the query by it.</summary>
    public const string Marker = "# bashcni-query pod-node-state";

    public bool Empty => StoreOwner is null && !HostVethPresent;

    /// <summary>The plugin's host veth name for a container ID and interface.</summary>
    public static string HostVethName(string containerId, string ifname)
    {
        ArgumentNullException.ThrowIfNull(containerId);
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(containerId + "/" + ifname))
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return "veth" + hash.ToString("x8", CultureInfo.InvariantCulture);
    }

    /// <summary>The query for address <paramref name="ip"/> and, when known, host link <paramref name="hostVeth"/>.
    /// Prints <c>store OWNER IFNAME</c> when the store holds the address, <c>link NAME</c> when the link exists.</summary>
    public static string Script(string ip, string? hostVeth) =>
        $"{Marker} {ip} {hostVeth ?? "-"}\nip_={SshNodeAccess.ShellQuote(ip)}; veth={SshNodeAccess.ShellQuote(hostVeth ?? "-")}\n" + """
        set -euo pipefail
        shopt -s nullglob
        confs=(/etc/cni/net.d/*.conf /etc/cni/net.d/*.conflist)
        if ((${#confs[@]})); then
          conf=$(printf '%s\n' "${confs[@]}" | sort | head -n1)
          name=$(jq -r '.name // .plugins[0].name // ""' "$conf")
          data=$(jq -r '.dataDir // .ipam.dataDir // .plugins[0].ipam.dataDir // "/var/lib/cni/networks"' "$conf")
          f="$data/$name/$ip_"
          if [[ -n "$name" && -f "$f" ]]; then
            printf 'store %s %s\n' "$(sed -n 1p "$f" | tr -d '\r')" "$(sed -n 2p "$f" | tr -d '\r')"
          fi
        fi
        if [[ "$veth" != "-" ]] && ip link show dev "$veth" >/dev/null 2>&1; then printf 'link %s\n' "$veth"; fi
        """;

    public static PodNodeState Parse(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        string? owner = null, ifname = null;
        var link = false;
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts[0] == "store")
            {
                owner = parts.Length > 1 ? parts[1] : "";
                ifname = parts.Length > 2 ? parts[2] : "eth0";
            }
            else if (parts[0] == "link")
            {
                link = true;
            }
        }
        return new PodNodeState(owner, ifname, link);
    }

    public override string ToString() =>
        Empty ? "nothing left" : string.Join(", ", new[]
        {
            StoreOwner is null ? null : $"IPAM store entry owned by {StoreOwner}/{StoreIfname}",
            HostVethPresent ? "host veth present" : null,
        }.Where(s => s is not null));
}
