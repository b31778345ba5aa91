using System.Security.Cryptography;

namespace BashCni.Harness.Sandbox;

/// <summary>
/// A node inside the sandbox: a network namespace with an <c>eth0</c> uplink (a veth whose peer stays in the sandbox's
/// own namespace, as on kind nodes), a plugin bin dir, and private state directories (IPAM data dir, log file, conf dir)
/// on the sandbox's tmpfs. Pods made through <see cref="CreatePodAsync"/> are deleted with the node.
/// </summary>
public sealed class NodeNamespace : NetworkNamespace
{
    private static int _counter;
    private readonly List<PodNamespace> _pods = [];
    private readonly List<string> _mounts = [];
    private VethPair? _uplink;

    private NodeNamespace(ICommandRunner runner, string name, string pluginDir, int number) : base(runner, name)
    {
        PluginDir = pluginDir;
        Number = number;
        StateDir = "/var/lib/cni/" + name;
        DataDir = StateDir + "/networks";
        ConfDir = StateDir + "/net.d";
        LogFile = "/var/log/" + name + ".log";
    }

    /// <summary>The directory holding the plugin binaries (CNI_PATH).</summary>
    public string PluginDir { get; }

    public int Number { get; }

    /// <summary>Everything this node writes lives below this directory (sandbox tmpfs).</summary>
    public string StateDir { get; }

    /// <summary>The IPAM data dir to put in network configs.</summary>
    public string DataDir { get; }

    public string ConfDir { get; }

    /// <summary>The plugin log file to put in network configs.</summary>
    public string LogFile { get; }

    /// <summary>The node's uplink address (10.0.1.0/24 is the node network of the lab).</summary>
    public string UplinkAddress => $"10.0.1.{10 + Number % 240}/24";

    public IReadOnlyList<PodNamespace> Pods
    {
        get { lock (_pods) return _pods.ToList(); }
    }

    public static new async Task<NodeNamespace> CreateAsync(ICommandRunner runner, string pluginDir, CancellationToken ct = default)
    {
        var number = Interlocked.Increment(ref _counter);
        var tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var node = new NodeNamespace(runner, "node-" + tag, pluginDir, number);
        await node.InitAsync(ct).ConfigureAwait(false);
        try
        {
            node._uplink = await VethPair.CreateAsync(runner, "up-" + tag, null, "eth0", node.Name, ct).ConfigureAwait(false);
            await runner.RunCheckedAsync("ip", ["-n", node.Name, "addr", "add", node.UplinkAddress, "dev", "eth0"], null, ct)
                .ConfigureAwait(false);
            await runner.RunCheckedAsync("mkdir", ["-p", node.DataDir, node.ConfDir], null, ct).ConfigureAwait(false);
            await runner.RunCheckedAsync("sysctl", ["-q", "-w", "net.ipv4.ip_forward=1"], new CommandOptions { NetNs = node.Name }, ct)
                .ConfigureAwait(false);
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return node;
    }

    /// <summary>A pod namespace that is deleted with this node (unless the test deleted it before).</summary>
    public async Task<PodNamespace> CreatePodAsync(string podName = "pod", CancellationToken ct = default)
    {
        var pod = await PodNamespace.CreateAsync(Runner, podName, ct).ConfigureAwait(false);
        lock (_pods) _pods.Add(pod);
        return pod;
    }

    /// <summary>Mounts a read-only tmpfs at <see cref="StateDir"/>/<paramref name="leaf"/>: a data dir no one can write to, root included.</summary>
    public async Task<string> ReadOnlyDirAsync(string leaf, CancellationToken ct = default)
    {
        var path = StateDir + "/" + leaf;
        await Runner.RunCheckedAsync("mkdir", ["-p", path], null, ct).ConfigureAwait(false);
        await Runner.RunCheckedAsync("mount", ["-t", "tmpfs", "-o", "ro,mode=0555", "tmpfs", path], null, ct).ConfigureAwait(false);
        lock (_mounts) _mounts.Add(path);
        return path;
    }

    /// <summary>Files of the IPAM store below <see cref="DataDir"/>: relative path → content (CR/LF kept).</summary>
    public async Task<IReadOnlyDictionary<string, string>> StoreAsync(CancellationToken ct = default)
    {
        var r = await Runner.RunCheckedAsync("bash", ["-c", StoreListingScript, "store", DataDir], null, ct).ConfigureAwait(false);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in r.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var sep = record.IndexOf('\u0001', StringComparison.Ordinal);
            if (sep < 0) continue;
            files[record[..sep]] = record[(sep + 1)..];
        }
        return files;
    }

    /// <summary>Reserved addresses of <paramref name="network"/> in the store: IP → content.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReservationsAsync(string network, CancellationToken ct = default)
    {
        var prefix = network + "/";
        var store = await StoreAsync(ct).ConfigureAwait(false);
        return store.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)
                                 && System.Net.IPAddress.TryParse(kv.Key[prefix.Length..], out _))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);
    }

    private const string StoreListingScript = """
        set -euo pipefail
        cd "$1" 2>/dev/null || exit 0
        find . -type f -print0 | sort -z | while IFS= read -r -d '' f; do
          printf '%s\001' "${f#./}"
          if [ -s "$f" ] && [ "$(stat -c %s "$f")" -lt 4096 ]; then cat -- "$f"; fi
          printf '\0'
        done
        """;

    /// <summary>Text for a failure report: addresses, routes, bridge ports, firewall, store and log tail of this node and its pods.</summary>
    public async Task<IReadOnlyList<(string Name, string Content)>> CollectEvidenceAsync(CancellationToken ct = default)
    {
        var items = new List<(string, string)>();
        async Task Add(string name, string program, params string[] args)
        {
            try
            {
                var r = await Runner.RunAsync(program, args, new CommandOptions { Timeout = TimeSpan.FromSeconds(10) }, ct).ConfigureAwait(false);
                items.Add((name, r.Stdout + (r.Stderr.Length > 0 ? "\n--- stderr\n" + r.Stderr : "")));
            }
            catch (Exception e) when (e is TimeoutException or CommandFailedException or InvalidOperationException)
            {
                items.Add((name, "could not collect: " + e.Message));
            }
        }
        await Add($"{Name}: ip -d addr", "ip", "-n", Name, "-d", "addr").ConfigureAwait(false);
        await Add($"{Name}: ip route", "ip", "-n", Name, "route", "show", "table", "all").ConfigureAwait(false);
        await Add($"{Name}: bridge link", "ip", "netns", "exec", Name, "bridge", "link").ConfigureAwait(false);
        await Add($"{Name}: iptables-save", "ip", "netns", "exec", Name, "iptables-save").ConfigureAwait(false);
        await Add($"{Name}: IPAM store", "bash", "-c", "cd \"$1\" && find . -printf '%M %s %p\\n' | sort -k3 && grep -r . --include='*' . || true", "ls", DataDir)
            .ConfigureAwait(false);
        await Add($"{Name}: plugin log tail", "bash", "-c", "tail -n 200 \"$1\" 2>/dev/null || echo '(no log file)'", "tail", LogFile).ConfigureAwait(false);
        foreach (var pod in Pods.Where(p => !p.IsDeleted))
        {
            await Add($"{pod.Name}: ip -d addr", "ip", "-n", pod.Name, "-d", "addr").ConfigureAwait(false);
            await Add($"{pod.Name}: ip route", "ip", "-n", pod.Name, "route").ConfigureAwait(false);
        }
        await Add("sandbox: ip netns list", "ip", "netns", "list").ConfigureAwait(false);
        return items;
    }

    /// <summary>Node-local state snapshot for "nothing left behind" checks: links of the node and the store files.</summary>
    public async Task<string> StateTextAsync(CancellationToken ct = default)
    {
        var links = await LinksAsync(ct).ConfigureAwait(false);
        var store = await StoreAsync(ct).ConfigureAwait(false);
        // IPv6 link-local addresses are left out: the kernel adds them by itself some time after a link comes up.
        var lines = links.Select(l => $"link {l.Name} {l.Kind} master={l.Master} up={l.IsUp} {string.Join(",", l.Addresses.Where(a => !a.IsIpv6LinkLocal).Select(a => a.Cidr))}")
            .Concat(store.Select(kv => $"file {kv.Key} {kv.Value.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}"));
        return string.Join("\n", lines.Order(StringComparer.Ordinal));
    }

    protected override async Task OnDeletingAsync(CancellationToken ct)
    {
        foreach (var pod in Pods) await pod.DisposeAsync().ConfigureAwait(false);
        if (_uplink is not null) await _uplink.DisposeAsync().ConfigureAwait(false);
        List<string> mounts;
        lock (_mounts) mounts = _mounts.ToList();
        foreach (var m in mounts) await Runner.RunAsync("umount", ["-l", m], null, ct).ConfigureAwait(false);
        await Runner.RunAsync("rm", ["-rf", "--one-file-system", StateDir, LogFile], null, ct).ConfigureAwait(false);
    }
}
