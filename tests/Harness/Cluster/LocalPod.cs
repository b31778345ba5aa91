using BashCni.Harness.Cri.V1;

namespace BashCni.Harness.Cluster;

/// <summary>A pod the local cluster created: its node, sandbox and containers.</summary>
internal sealed record LocalPod(string Name, string Namespace, string Uid, LocalNode Node, string SandboxId,
    PodSandboxConfig SandboxConfig, IReadOnlyList<string> ContainerIds);
