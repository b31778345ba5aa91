using System.Text;

namespace BashCni.Harness.Cluster;

/// <summary>What the local cluster collects from a node for a report (links, routes, rules, CNI config and store, logs).</summary>
public sealed partial class LocalCluster
{
    public async Task<IReadOnlyDictionary<string, string>> CollectDiagnosticsAsync(string nodeName, CancellationToken cancellationToken = default)
    {
        var node = NodeOf(nodeName);
        var sections = new (string Title, string Script)[]
        {
            ("ip addr", "ip addr"),
            ("ip route", "ip route"),
            ("iptables-save", "iptables-save"),
            ("bridge link", "bridge link"),
            ("cni config", "for f in /etc/cni/net.d/*; do echo \"== $f\"; cat \"$f\"; echo; done; ls -l /opt/cni/bin"),
            ("IPAM store", "find /var/lib/cni -type f 2>/dev/null | sort | while read -r f; do printf '%s: %s\\n' \"$f\" \"$(tr '\\r\\n' '  ' <\"$f\")\"; done"),
            ("plugin log", "tail -n 200 /var/log/bash-cni.log 2>&1"),
            ("containerd log", $"tail -n 100 {NodeShell.ShellQuote(node.ContainerdLog)}"),
            ("pod netns", "ls -l /run/netns 2>&1"),
            ("pod logs", "for f in /var/log/pods/*/*/*.log; do [ -f \"$f\" ] && { echo \"== $f\"; tail -n 20 \"$f\"; }; done"),
        };
        // One SSH command for all sections (each SSH exec costs a session set-up on the node).
        const string Marker = "@@bashcni-section ";
        var script = new StringBuilder();
        foreach (var (title, body) in sections)
            script.Append("echo ").Append(NodeShell.ShellQuote(Marker + title)).Append("; { ").Append(body).AppendLine("; } 2>&1");
        var results = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var output = await node.RequireShell().RunAsync(script.ToString(), TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            string? current = null;
            var text = new StringBuilder();
            foreach (var line in output.Stdout.Split('\n'))
            {
                if (line.StartsWith(Marker, StringComparison.Ordinal))
                {
                    if (current is not null) results[current] = text.ToString();
                    current = line[Marker.Length..];
                    text.Clear();
                }
                else if (current is not null)
                {
                    text.AppendLine(line);
                }
            }
            if (current is not null) results[current] = text.ToString();
            if (output.Stderr.Length > 0) results["stderr"] = output.Stderr;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            results["error"] = "could not collect diagnostics over SSH: " + e.Message;
        }
        return results;
    }
}
