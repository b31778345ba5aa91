namespace BashCni.Harness.Cluster;

/// <summary>What a kubelet backend in front of the local cluster's nodes needs (the <c>local-api</c> target).</summary>
public sealed partial class LocalCluster
{
    /// <summary>The cgroup parent of a pod of this run (removed with the run).</summary>
    public string CgroupParentOf(string podUid) => $"/{_residue.CgroupParent}/pod{podUid}";

    /// <summary>The private key the nodes' sshd accepts for root (made for this run).</summary>
    public string SshClientKey => Path.Combine(RunDirectory, "ssh", "client_key");

    /// <summary>Waits until the node has imported the workload images (fixtures/images/build.sh).</summary>
    public Task WaitForImagesAsync(string nodeName, CancellationToken cancellationToken)
    {
        var node = NodeOf(nodeName);
        return Waits.UntilAsync($"workload images imported on node {nodeName}", _ => ValueTask.FromResult(
            File.Exists(Path.Combine(node.Directory, "images-ready")) ? Waits.Probe.Ok
            : File.Exists(Path.Combine(node.Directory, "failed")) ? Waits.Probe.Failed(File.ReadAllText(Path.Combine(node.Directory, "failed")).Trim())
            : Waits.Probe.NotYet("NODE_DIR/images-ready not written yet")), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50), cancellationToken);
    }
}
