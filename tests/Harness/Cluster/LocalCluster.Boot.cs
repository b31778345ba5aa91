using System.Diagnostics;
using System.Globalization;
using BashCni.Harness.Cri.V1;
using BashCni.Harness.Sandbox;

namespace BashCni.Harness.Cluster;

/// <summary>Start-up of the local cluster: the network, each node's boot (sshd, containerd, images), SSH and CRI, and the plugin installed on every node.</summary>
public sealed partial class LocalCluster
{
    private async Task BootAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var sshDir = Path.Combine(RunDirectory, "ssh");
        Directory.CreateDirectory(sshDir);
        foreach (var node in _nodes.Values) Directory.CreateDirectory(node.Directory);
        foreach (var key in new[] { "host_key", "client_key" })
            await LocalRunner.Instance.RunCheckedAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "bashcni-" + key, "-f", Path.Combine(sshDir, key)],
                cancellationToken: ct).ConfigureAwait(false);
        File.Copy(Path.Combine(sshDir, "client_key.pub"), Path.Combine(sshDir, "authorized_keys"));

        await Runner.RunCheckedAsync("bash", [Path.Combine(ScriptsDir, "network-up.sh"), .. _nodes.Values.Select(n => $"{n.Name}={n.Node.Address}")],
            cancellationToken: ct).ConfigureAwait(false);
        _timings["network"] = clock.Elapsed;

        await Task.WhenAll(_nodes.Values.Select(n => LaunchNodeAsync(n, sshDir, ct))).ConfigureAwait(false);
        _timings["nodes"] = clock.Elapsed;
    }

    private async Task LaunchNodeAsync(LocalNode node, string sshDir, CancellationToken ct)
    {
        const string Launch = """
            nsenter --net="/run/netns/$1" unshare --mount --uts --propagation private -- bash "$2" "$1" "$3" "$4" "$5" "$6" "$7" >"$4/boot.log" 2>&1 </dev/null &
            echo "$!" >"$4/node.pid"
            echo "$!"
            """;
        var launched = await Runner.RunCheckedAsync("bash",
            ["-c", Launch, "launch", node.Name, Path.Combine(ScriptsDir, "node-boot.sh"), node.Node.Address, node.Directory, ImageDirectory, sshDir, PauseImage],
            cancellationToken: ct).ConfigureAwait(false);
        node.AnchorPid = int.Parse(launched.Stdout.Trim(), CultureInfo.InvariantCulture);

        await Waits.UntilAsync($"node {node.Name} boot (sshd, containerd, images)", _ =>
        {
            var failed = Path.Combine(node.Directory, "failed");
            if (File.Exists(failed))
                return ValueTask.FromResult(Waits.Probe.Failed($"failed: {File.ReadAllText(failed).Trim()}\n{ReadTail(Path.Combine(node.Directory, "boot.log"), 40)}"));
            if (!RunResidue.IsAlive(node.AnchorPid))
                return ValueTask.FromResult(Waits.Probe.Failed($"the node's boot script exited:\n{ReadTail(Path.Combine(node.Directory, "boot.log"), 40)}"));
            return ValueTask.FromResult(File.Exists(Path.Combine(node.Directory, "ready")) ? Waits.Probe.Ok : Waits.Probe.NotYet("NODE_DIR/ready not written yet"));
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50), ct).ConfigureAwait(false);

        node.Relay = NodeRelay.Start(node.AnchorPid, node.Node.Address, 22);
        var hostKey = await File.ReadAllTextAsync(Path.Combine(sshDir, "host_key.pub"), ct).ConfigureAwait(false);
        await Waits.UntilAsync($"SSH to node {node.Name} through 127.0.0.1:{node.Relay.LocalPort}", async token =>
        {
            node.Shell = await NodeShell.ConnectAsync(node.Name, "127.0.0.1", node.Relay.LocalPort, "root", Path.Combine(sshDir, "client_key"),
                hostKey, token).ConfigureAwait(false);
            return Waits.Probe.Ok;
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100), ct).ConfigureAwait(false);

        node.Cri = new Cri.CriClient(node.ContainerdSocket);
        var version = await node.Cri.Runtime.VersionAsync(new VersionRequest { Version = "v1" }, cancellationToken: ct).ConfigureAwait(false);
        if (string.IsNullOrEmpty(version.RuntimeName)) throw new InvalidOperationException($"node {node.Name}: the CRI runtime did not name itself");
    }

    public async Task PrepareNodesAsync(CancellationToken cancellationToken = default)
    {
        await Task.WhenAll(_nodes.Values.Select(async node =>
        {
            var install = await InstallScriptAsync(node.Name, PluginDirOf(node.Name), cancellationToken).ConfigureAwait(false);
            // The node's own hostname (UTS namespace) is checked in the same SSH command.
            var name = NodeShell.ShellQuote(node.Name);
            var script = $"[ \"$(hostname)\" = {name} ] || {{ echo \"node reports hostname $(hostname), expected \"{name} >&2; exit 90; }}\n" +
                $"bash {NodeShell.ShellQuote(install)} --subnet {node.Node.PodCidr} --network {ClusterPodNetwork} && ls /etc/cni/net.d";
            var result = await node.RequireShell().RunAsync(script, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
                throw new InvalidOperationException($"install.sh failed on node {node.Name} (exit {result.ExitCode}):\n{result.Stderr}\n{result.Stdout}");
            if (string.IsNullOrWhiteSpace(result.Stdout))
                throw new InvalidOperationException($"install.sh succeeded on node {node.Name} but wrote no network config into /etc/cni/net.d");
        })).ConfigureAwait(false);
        // containerd notices the new network config asynchronously; pods can be created once it reports NetworkReady.
        await Task.WhenAll(_nodes.Values.Select(node => Waits.UntilAsync($"CRI NetworkReady on node {node.Name}", async token =>
        {
            var status = await node.RequireCri().Runtime.StatusAsync(new StatusRequest(), cancellationToken: token).ConfigureAwait(false);
            var network = status.Status?.Conditions.FirstOrDefault(c => c.Type == "NetworkReady");
            return network is { Status: true } ? Waits.Probe.Ok : Waits.Probe.NotYet($"{network?.Reason}: {network?.Message}");
        }, TimeSpan.FromSeconds(15), cancellationToken: cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>The plugin directory the node is prepared from.</summary>
    public string PluginDirOf(string nodeName) => _pluginDirs.TryGetValue(nodeName, out var dir) ? dir : RepoPaths.PluginDir;

    /// <summary>
    /// install.sh of a plugin directory for a node. A plugin directory without one (e.g. a deliberately broken copy holding
    /// only bash-cni, bash-cni-ipam and lib/) is staged into the run directory beside the product's install.sh,
    /// which installs the binaries found beside itself.
    /// </summary>
    private async Task<string> InstallScriptAsync(string nodeName, string pluginDir, CancellationToken ct)
    {
        var own = Path.Combine(pluginDir, "install.sh");
        if (File.Exists(own)) return own;
        var product = Path.Combine(RepoPaths.Root, "src", "Plugin", "install.sh");
        if (!File.Exists(Path.Combine(pluginDir, "bash-cni")) || !File.Exists(product))
            throw new InvalidOperationException(
                $"cannot install the plugin under test: {pluginDir} has no install.sh (and no bash-cni to stage beside {product}); " +
                "set BASHCNI_PLUGIN_DIR to a plugin directory");
        var staged = Path.Combine(RunDirectory, "plugin-" + nodeName);
        Directory.CreateDirectory(staged);
        await LocalRunner.Instance.RunCheckedAsync("cp", ["-a", "--", pluginDir + "/.", staged + "/"], cancellationToken: ct).ConfigureAwait(false);
        await LocalRunner.Instance.RunCheckedAsync("cp", ["-a", "--", product, Path.Combine(staged, "install.sh")], cancellationToken: ct).ConfigureAwait(false);
        return Path.Combine(staged, "install.sh");
    }

    private static string ReadTail(string file, int lines)
    {
        if (!File.Exists(file)) return "";
        var all = File.ReadAllLines(file);
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
