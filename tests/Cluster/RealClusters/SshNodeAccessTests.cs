using System.Security.Cryptography;
using BashCni.Harness;
using BashCni.Harness.Cluster;
using BashCni.Harness.Kubernetes;

namespace BashCni.Tests.Cluster.RealClusters;

/// <summary>
/// The node access used for kubeadm and AWS nodes (<see cref="SshNodeAccess"/>: SSH.NET, SFTP copy, root scripts) and the
/// plugin-install step of the bootstrap, run live against a node of the local cluster through its loopback relay.
/// </summary>
[TestFixture]
[Category("Cluster")]
[NonParallelizable]
public sealed class SshNodeAccessTests : ClusterTest
{
    private const string NodeName = "master";

    private static (LocalCluster Cluster, LocalNode Node) LocalNode()
    {
        if (Cluster is not LocalCluster local)
        {
            Assert.Ignore($"this test drives the local cluster's sshd nodes (BASHCNI_CLUSTER_TARGET=local); on '{Cluster.Kind}' the same " +
                          "node access runs inside PrepareNodesAsync");
            throw new InvalidOperationException("unreachable");
        }
        var node = local.NodeOf(NodeName);
        if (node.Relay is null) Assert.Fail($"node {NodeName} has no SSH relay");
        return (local, node);
    }

    private static SshNodeAccess Connect(LocalCluster cluster, LocalNode node) =>
        new(NodeName, new SshEndpoint("127.0.0.1", node.Relay!.LocalPort, "root", Path.Combine(cluster.RunDirectory, "ssh", "client_key")));

    [Test]
    public async Task ScriptsRunAsRootOnTheNodeWithExitCodeAndBothStreams()
    {
        var (cluster, node) = LocalNode();
        await using var access = Connect(cluster, node);

        var ok = await access.RunAsync("set -euo pipefail\necho \"$(hostname) $(id -u)\"\necho 'to stderr' >&2\n");
        Assert.That(ok.ExitCode, Is.Zero, ok.ToString());
        Assert.That(ok.Stdout.Trim(), Is.EqualTo($"{NodeName} 0"));
        Assert.That(ok.Stderr.Trim(), Is.EqualTo("to stderr"));

        var failed = await access.RunAsync("echo 'it'\"'\"'s broken' >&2; exit 7");
        Assert.That(failed.ExitCode, Is.EqualTo(7));
        Assert.That(failed.Stderr.Trim(), Is.EqualTo("it's broken"));
    }

    [Test]
    public async Task PluginInstallStepOverSshPreparesTheNode()
    {
        var (cluster, node) = LocalNode();
        var podCidr = node.Node.PodCidr;
        var gateway = podCidr.Replace(".0/24", ".1/24", StringComparison.Ordinal);
        var remote = Path.Combine(node.Directory, "plugin-over-sftp");
        await using var access = Connect(cluster, node);
        try
        {
            var result = await PluginInstaller.InstallAsync(access, RepoPaths.PluginDir, podCidr, "10.244.0.0/16", remoteDirectory: remote);
            Assert.That(result.ExitCode, Is.Zero, result.ToString());

            // The copy is byte-exact and keeps the executable bits.
            var local = Directory.EnumerateFiles(RepoPaths.PluginDir, "*", SearchOption.AllDirectories)
                .Select(f => $"{Sha256(f)}  ./{Path.GetRelativePath(RepoPaths.PluginDir, f)}")
                .Order(StringComparer.Ordinal).ToList();
            var sums = await access.RunAsync($"cd '{remote}' && find . -type f -exec sha256sum {{}} + | LC_ALL=C sort");
            Assert.That(sums.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal), Is.EqualTo(local));
            Assert.That((await access.RunAsync($"test -x '{remote}/install.sh' && test -x '{remote}/bash-cni'")).ExitCode, Is.Zero,
                "scripts lost their executable bit in the copy");

            // install.sh ran with the node's podCIDR: network config, binaries, bridge with the gateway address.
            var state = await access.RunAsync("""
                set -euo pipefail
                jq -r '.subnet + " " + .network + " " + .type' /etc/cni/net.d/10-bash-cni.conf
                test -x /opt/cni/bin/bash-cni && test -x /opt/cni/bin/bash-cni-ipam && echo binaries
                ip -4 -o addr show dev cni0 | awk '{print $4}'
                """);
            Assert.That(state.ExitCode, Is.Zero, state.ToString());
            Assert.That(state.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries),
                Is.EqualTo(new[] { $"{podCidr} 10.244.0.0/16 bash-cni", "binaries", gateway }));
        }
        finally
        {
            await access.RunAsync($"rm -rf '{remote}'");
        }
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
