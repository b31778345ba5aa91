using System.Globalization;
using BashCni.Harness.Sandbox;

namespace BashCni.Bench;

/// <summary>
/// A node inside the sandbox, shaped like a kind node: its own network namespace with an <c>eth0</c> uplink veth
/// (10.0.1.10/24, default route to the sandbox side), IP forwarding on, and a <c>cni0</c> bridge that holds the
/// gateway address of the subnet under test. Pod namespaces are created in the sandbox, as a runtime does.
/// </summary>
public sealed class BenchNode : IAsyncDisposable
{
    public const string Name = "bench-node";
    public const string BridgeName = "cni0";
    private const string Uplink = "bench-uplink";

    private readonly ICommandRunner _runner;
    private readonly List<string> _pods = [];

    private BenchNode(ICommandRunner runner) => _runner = runner;

    public ICommandRunner Runner => _runner;

    /// <summary>Creates the node namespace and its uplink.</summary>
    public static async Task<BenchNode> CreateAsync(ICommandRunner runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        const string script = """
            set -euo pipefail
            node=$1 uplink=$2
            ip netns add "$node"
            ip link add "$uplink" type veth peer name eth0 netns "$node"
            ip addr add 10.0.1.1/24 dev "$uplink"
            ip link set "$uplink" up
            ip -n "$node" link set lo up
            ip -n "$node" addr add 10.0.1.10/24 dev eth0
            ip -n "$node" link set eth0 up
            ip -n "$node" route add default via 10.0.1.1
            ip netns exec "$node" sysctl -q -w net.ipv4.ip_forward=1
            """;
        await runner.RunCheckedAsync("bash", ["-c", script, "node", Name, Uplink], null, cancellationToken).ConfigureAwait(false);
        return new BenchNode(runner);
    }

    /// <summary>Replaces <c>cni0</c> by a fresh bridge holding <paramref name="gatewayCidr"/> (what install.sh sets up).</summary>
    public Task ResetBridgeAsync(string gatewayCidr, CancellationToken cancellationToken)
    {
        const string script = """
            set -euo pipefail
            node=$1 bridge=$2 gw=$3
            ip -n "$node" link del "$bridge" 2>/dev/null || true
            ip -n "$node" link add "$bridge" type bridge
            ip -n "$node" addr add "$gw" dev "$bridge"
            ip -n "$node" link set "$bridge" up
            """;
        return _runner.RunCheckedAsync("bash", ["-c", script, "bridge", Name, BridgeName, gatewayCidr], null, cancellationToken);
    }

    /// <summary>Creates pod namespaces named prefix-0 … prefix-(count-1) and returns their names.</summary>
    public async Task<IReadOnlyList<string>> CreatePodsAsync(string prefix, int count, CancellationToken cancellationToken)
    {
        var names = Enumerable.Range(0, count).Select(i => $"{prefix}-{i.ToString(CultureInfo.InvariantCulture)}").ToList();
        var batch = string.Concat(names.Select(n => $"netns add {n}\n"));
        await _runner.RunCheckedAsync("ip", ["-batch", "-"], new CommandOptions { Stdin = batch }, cancellationToken).ConfigureAwait(false);
        _pods.AddRange(names);
        return names;
    }

    /// <summary>Deletes and re-creates pod namespaces (their veth pairs vanish with them).</summary>
    public Task RecyclePodsAsync(IReadOnlyCollection<string> pods, CancellationToken cancellationToken)
    {
        if (pods.Count == 0) return Task.CompletedTask;
        var batch = string.Concat(pods.Select(n => $"netns del {n}\n")) + string.Concat(pods.Select(n => $"netns add {n}\n"));
        return _runner.RunCheckedAsync("ip", ["-batch", "-"], new CommandOptions { Stdin = batch }, cancellationToken);
    }

    /// <summary>Path a runtime passes as CNI_NETNS for a pod namespace.</summary>
    public static string NetNsPath(string pod) => "/run/netns/" + pod;

    /// <summary>
    /// Makes an empty store directory for <paramref name="network"/> under <paramref name="dataDir"/> and, when
    /// <paramref name="taken"/> &gt; 0, fills it as an allocator that handed out addresses in order would have left it:
    /// one file per address from <paramref name="firstAddress"/> on (content "id\r\nifname"), and last_reserved_ip.0
    /// naming the last one. Further <paramref name="copies"/> get the same content.
    /// </summary>
    public Task PrepareStoreAsync(string dataDir, string network, uint firstAddress, int taken, IReadOnlyList<string> copies,
        CancellationToken cancellationToken)
    {
        const string script = """
            set -euo pipefail
            dir="$1/$2" name=$2 first=$3 count=$4
            shift 4
            rm -rf "$dir"
            mkdir -p "$dir"
            last=""
            for ((i = 0; i < count; i++)); do
              v=$((first + i))
              last="$((v >> 24 & 255)).$((v >> 16 & 255)).$((v >> 8 & 255)).$((v & 255))"
              printf 'prefill%08d\r\neth0' "$i" >"$dir/$last"
            done
            if [[ -n "$last" ]]; then printf '%s' "$last" >"$dir/last_reserved_ip.0"; fi
            for copy in "$@"; do
              rm -rf "${copy:?}/$name"
              mkdir -p "$copy"
              cp -a "$dir" "$copy/$name"
            done
            """;
        string[] args = ["-c", script, "store", dataDir, network, firstAddress.ToString(CultureInfo.InvariantCulture),
            taken.ToString(CultureInfo.InvariantCulture), .. copies];
        return _runner.RunCheckedAsync("bash", args, new CommandOptions { Timeout = TimeSpan.FromMinutes(3) }, cancellationToken);
    }

    /// <summary>Number of reservation files (named by an address) in a store directory.</summary>
    public async Task<int> CountReservationsAsync(string storeDir, CancellationToken cancellationToken)
    {
        const string script = """
            set -euo pipefail
            shopt -s nullglob
            files=("$1"/[0-9]*.[0-9]*.[0-9]*.[0-9]*)
            echo "${#files[@]}"
            """;
        var result = await _runner.RunCheckedAsync("bash", ["-c", script, "count", storeDir], null, cancellationToken).ConfigureAwait(false);
        return int.Parse(result.Stdout.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Removes a directory inside the sandbox's private tmpfs (store, traces).</summary>
    public Task RemoveTreeAsync(string dir, CancellationToken cancellationToken) =>
        _runner.RunCheckedAsync("rm", ["-rf", "--", dir], null, cancellationToken);

    /// <summary>Reads a file inside the sandbox.</summary>
    public async Task<string> ReadFileAsync(string path, CancellationToken cancellationToken) =>
        (await _runner.RunCheckedAsync("cat", ["--", path], null, cancellationToken).ConfigureAwait(false)).Stdout;

    /// <summary>Writes an executable file inside the sandbox.</summary>
    public Task WriteExecutableAsync(string path, string content, CancellationToken cancellationToken) =>
        _runner.RunCheckedAsync("bash", ["-c", "set -euo pipefail; mkdir -p \"$(dirname \"$1\")\"; cat >\"$1\"; chmod 0755 \"$1\"", "write", path],
            new CommandOptions { Stdin = content }, cancellationToken);

    /// <summary>Deletes the pod namespaces and the node (the sandbox's end would remove them too).</summary>
    public async ValueTask DisposeAsync()
    {
        var batch = string.Concat(_pods.Select(n => $"netns del {n}\n")) + $"netns del {Name}\n";
        _pods.Clear();
        await _runner.RunAsync("ip", ["-force", "-batch", "-"], new CommandOptions { Stdin = batch }).ConfigureAwait(false);
    }
}
