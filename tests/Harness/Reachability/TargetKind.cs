namespace BashCni.Harness.Reachability;

/// <summary>What a symbolic target of the expectation files points at.</summary>
public enum TargetKind
{
    /// <summary><c>own-bridge</c>: cni0 of the source pod's node (first address of the node's podCIDR).</summary>
    OwnBridge,

    /// <summary><c>same-node-pod</c>: the other pod on the source pod's node.</summary>
    SameNodePod,

    /// <summary><c>pod:NAME</c>: that pod's IP (ICMP).</summary>
    Pod,

    /// <summary><c>node:NAME</c>: that node's address (ICMP).</summary>
    Node,

    /// <summary><c>outside</c>: a host outside the pod and node networks (ICMP).</summary>
    Outside,

    /// <summary><c>http:NAME</c>: HTTP GET to that pod's IP on the HTTP port.</summary>
    Http,
}
