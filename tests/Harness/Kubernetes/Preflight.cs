using System.Text;
using BashCni.Harness.Cluster;

namespace BashCni.Harness.Kubernetes;

/// <summary>
/// What a real cluster must offer before anything is installed on it, checked first and reported as one table:
/// the API answered (the nodes were listed), the three lab nodes are mapped, each has <c>spec.podCIDR</c>, and on
/// each node: no other CNI configuration, bash ≥ 5, jq, ip, flock, nsenter, the br_netfilter sysctl (kind on
/// Docker ≥ 27.3 does not load br_netfilter: <c>sudo modprobe br_netfilter</c> on the host), and the pod images
/// present or pullable on the workers (crictl, when the node has it: kind, kubeadm with cri-tools).
/// </summary>
public static class Preflight
{
    public static IReadOnlyList<string> LabNodes => BashCni.Harness.Cluster.LabNodes.Names;

    /// <summary>The node script: one <c>ok|fail|info NAME: detail</c> line per check.</summary>
    public static string NodeScript(IEnumerable<string> images) =>
        "set -uo pipefail\nimages=(" + string.Join(' ', images.Select(SshNodeAccess.ShellQuote)) + ")\n" + """
        if ((BASH_VERSINFO[0] >= 5)); then echo "ok bash ${BASH_VERSION}"; else echo "fail bash: ${BASH_VERSION} (need >= 5)"; fi
        for tool in jq ip flock nsenter; do
          if command -v "$tool" >/dev/null 2>&1; then echo "ok $tool"; else echo "fail $tool: not installed (jq; iproute2; util-linux)"; fi
        done
        if [[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]]; then echo "ok br_netfilter sysctl"
        else echo "fail br_netfilter sysctl: /proc/sys/net/bridge/bridge-nf-call-iptables missing: load br_netfilter on the host (sudo modprobe br_netfilter)"; fi
        others=$(find /etc/cni/net.d -maxdepth 1 -type f \( -name '*.conf' -o -name '*.conflist' -o -name '*.json' \) ! -name '10-bash-cni.conf' 2>/dev/null | tr '\n' ' ')
        if [[ -z "$others" ]]; then echo "ok no other CNI configuration"; else echo "fail other CNI configuration: $others(remove it, e.g. kind: networking.disableDefaultCNI: true)"; fi
        if command -v crictl >/dev/null 2>&1; then
          for image in "${images[@]}"; do
            if crictl inspecti "$image" >/dev/null 2>&1 || crictl pull "$image" >/dev/null 2>&1; then echo "ok image $image"; else echo "fail image $image: not pullable from this node"; fi
          done
        else
          echo "info images: no crictl on the node, pulls are seen when the pods start"
        fi
        """;

    /// <summary>The check that the reachability matrix's "outside" host answers ping from a node (three echo requests,
    /// two seconds each: one lost packet is no verdict).</summary>
    public static string OutsideHostScript(string host)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        return $"ping -c3 -W2 {SshNodeAccess.ShellQuote(host)}\n";
    }

    /// <summary>The report line of <see cref="OutsideHostScript"/>'s result: ok, or why not with what to set.</summary>
    public static (bool Ok, string Line) OutsideHostLine(string host, bool configured, string node, BashCni.Harness.Sandbox.CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var source = configured ? "BASHCNI_OUTSIDE_HOST" : $"{node}'s default gateway";
        if (result.ExitCode == 0) return (true, $"outside host {host} ({source}) answers ping from {node}");
        var said = (result.Stdout.Trim() + " " + result.Stderr.Trim()).Trim().ReplaceLineEndings(" ");
        return (false, $"outside host {host} ({source}) does not answer ping from {node} (exit {result.ExitCode}{(said.Length == 0 ? "" : ": " + said)}): " +
            "set BASHCNI_OUTSIDE_HOST to a host outside the pod network that answers ping from the nodes");
    }

    /// <summary>Runs every check; returns the report (also when something failed) and whether all passed.</summary>
    public static async Task<(string Report, bool Passed)> RunAsync(IReadOnlyList<ClusterNode> nodes, NodeNameMap map,
        Func<string, string, CancellationToken, Task<BashCni.Harness.Sandbox.CommandResult>> runOnNode, IEnumerable<string> images,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(runOnNode);
        var report = new StringBuilder("pre-flight of the cluster\n");
        var passed = true;
        void Line(bool ok, string text)
        {
            passed &= ok;
            report.Append(ok ? "  ok    " : "  FAIL  ").AppendLine(text);
        }
        Line(true, $"API reachable: {nodes.Count} nodes listed");
        foreach (var lab in LabNodes)
        {
            var node = nodes.FirstOrDefault(n => n.Name == lab);
            Line(node is not null, node is null
                ? $"lab node {lab}: not in the cluster (set BASHCNI_NODE_MAP, e.g. {lab}=<node name>)"
                : $"lab node {lab} = {map.ToCluster(lab)}");
            if (node is null) continue;
            Line(node.PodCidr.Length > 0, node.PodCidr.Length > 0 ? $"{lab}: spec.podCIDR {node.PodCidr}"
                : $"{lab}: no spec.podCIDR (kind: networking.podSubnet; kubeadm: --pod-network-cidr)");
            BashCni.Harness.Sandbox.CommandResult result;
            try
            {
                // Images matter where the lab's pods run (the workers); the control plane only pulls nothing.
                result = await runOnNode(lab, NodeScript(lab == "master" ? [] : images), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Line(false, $"{lab}: node access failed: {e.Message}");
                continue;
            }
            if (result.ExitCode != 0 && result.Stdout.Trim().Length == 0)
            {
                Line(false, $"{lab}: node access failed (exit {result.ExitCode}): {result.Stderr.Trim()}");
                continue;
            }
            foreach (var line in result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var (kind, rest) = line.IndexOf(' ') is var i and > 0 ? (line[..i], line[(i + 1)..]) : (line, "");
                if (kind == "info") report.Append("  info  ").AppendLine($"{lab}: {rest}");
                else Line(kind == "ok", $"{lab}: {rest}");
            }
        }
        return (report.ToString(), passed);
    }
}

/// <summary>The pre-flight found the cluster not usable; the message is the whole report.</summary>
public sealed class PreflightFailedException(string report) : Exception(report);
