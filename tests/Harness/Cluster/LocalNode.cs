using BashCni.Harness.Cri;

namespace BashCni.Harness.Cluster;

/// <summary>One node of the local cluster: its anchor process, daemons, SSH access and CRI client.</summary>
public sealed class LocalNode
{
    internal LocalNode(ClusterNode node, string directory)
    {
        Node = node;
        Directory = directory;
    }

    public ClusterNode Node { get; }

    public string Name => Node.Name;

    /// <summary>NODE_DIR: configs, logs, pid files and containerd.sock (outside the node's private mounts).</summary>
    public string Directory { get; }

    public string ContainerdSocket => Path.Combine(Directory, "containerd.sock");

    public string ContainerdLog => Path.Combine(Directory, "containerd.log");

    /// <summary>The node's anchor process (holds its network, mount and UTS namespaces).</summary>
    public int AnchorPid { get; internal set; }

    public NodeRelay? Relay { get; internal set; }

    public NodeShell? Shell { get; internal set; }

    public CriClient? Cri { get; internal set; }

    /// <summary>PID read from NODE_DIR/NAME.pid, or null.</summary>
    public int? ReadPid(string name)
    {
        var file = Path.Combine(Directory, name + ".pid");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid) ? pid : null;
    }

    public NodeShell RequireShell() => Shell ?? throw new InvalidOperationException($"node {Name} has no SSH connection");

    public CriClient RequireCri() => Cri ?? throw new InvalidOperationException($"node {Name} has no CRI client");
}
