namespace BashCni.Harness.Kubernetes;

/// <summary>What is gathered from a node when a cluster test needs to explain itself: title → script.</summary>
public static class NodeDiagnostics
{
    public static IReadOnlyList<(string Title, string Script)> Scripts { get; } =
    [
        ("ip addr", "ip addr"),
        ("ip route", "ip route"),
        ("iptables-save", "iptables-save 2>&1 || echo 'iptables-save not available'"),
        ("bridge link", "bridge link show 2>&1 || true"),
        ("cni config", "ls -l /etc/cni/net.d 2>&1; for f in /etc/cni/net.d/*; do [ -f \"$f\" ] && { echo \"== $f\"; cat \"$f\"; }; done; true"),
        ("ipam store", "for f in $(find /var/lib/cni/networks -type f 2>/dev/null | sort); do printf '== %s\\n%s\\n' \"$f\" \"$(tr '\\r' ' ' < \"$f\")\"; done; true"),
        ("plugin log", "tail -n 200 /var/log/bash-cni.log 2>&1 || true"),
        ("runtime log", "journalctl -u containerd -u kubelet -n 200 --no-pager 2>&1 || true"),
    ];
}
