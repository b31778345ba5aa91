using System.Security.Cryptography;

namespace BashCni.Harness.Sandbox;

/// <summary>
/// A pod's network namespace named the way a runtime names it (<c>cni-&lt;uuid&gt;</c>), with a 64-hex container
/// ID and kubelet-style <c>CNI_ARGS</c>.
/// </summary>
public sealed class PodNamespace : NetworkNamespace
{
    private PodNamespace(ICommandRunner runner, string name, string podName) : base(runner, name)
    {
        PodName = podName;
        PodUid = Guid.NewGuid().ToString();
        ContainerId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    }

    public string PodName { get; }

    public string PodUid { get; }

    /// <summary>The sandbox (pause) container ID a runtime passes as <c>CNI_CONTAINERID</c>.</summary>
    public string ContainerId { get; }

    /// <summary>What containerd's CRI sends as <c>CNI_ARGS</c>.</summary>
    public string CniArgs =>
        $"K8S_POD_INFRA_CONTAINER_ID={ContainerId};K8S_POD_UID={PodUid};IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME={PodName}";

    public static new async Task<PodNamespace> CreateAsync(ICommandRunner runner, string podName = "pod", CancellationToken ct = default)
    {
        var pod = new PodNamespace(runner, "cni-" + Guid.NewGuid(), podName);
        await pod.InitAsync(ct).ConfigureAwait(false);
        return pod;
    }
}
