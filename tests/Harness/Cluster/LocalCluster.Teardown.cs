using System.Text;
using BashCni.Harness.Cri.V1;
using BashCni.Harness.Sandbox;
using Grpc.Core;

namespace BashCni.Harness.Cluster;

/// <summary>Disposal of the local cluster: every sandbox, daemon, process and cgroup of the run stopped or removed, then checked that nothing is left.</summary>
public sealed partial class LocalCluster
{
    /// <summary>
    /// Stops and removes every pod sandbox, then containerd and sshd by PID, the node anchors, leftover shims and
    /// pod processes of this run, the cgroup directories it made, the relays and the sandbox; then checks that
    /// nothing is left and throws <see cref="InvalidOperationException"/> listing what is.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        var problems = new List<string>();
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = budget.Token;

        // A sandbox the runtime cannot remove (e.g. the plugin's DEL fails) is a finding, not a leftover: its
        // processes are stopped below and its namespaces go with the node's.
        var notes = new List<string>();
        await Task.WhenAll(_nodes.Values.Select(node => RemoveAllSandboxesAsync(node, notes, ct))).ConfigureAwait(false);
        TeardownNotes = notes;
        _pods.Clear();
        foreach (var node in _nodes.Values)
        {
            node.Cri?.Dispose();
            node.Cri = null;
            if (node.Shell is not null) await node.Shell.DisposeAsync().ConfigureAwait(false);
            node.Shell = null;
            if (node.Relay is not null) await node.Relay.DisposeAsync().ConfigureAwait(false);
            node.Relay = null;
        }

        var daemons = new List<int>();
        foreach (var node in _nodes.Values)
        {
            foreach (var name in new[] { "containerd", "sshd" })
                if (node.ReadPid(name) is { } pid) daemons.Add(pid);
        }
        await RunResidue.StopProcessesAsync(daemons, problems, ct).ConfigureAwait(false);
        // Shims (their command line names this run's sockets) and pod processes (in this run's cgroups) outlive a
        // containerd that stopped with tasks still alive; they are this run's and are stopped by PID.
        await RunResidue.StopProcessesAsync(_residue.OwnProcesses(), problems, ct).ConfigureAwait(false);
        await RunResidue.StopProcessesAsync(_nodes.Values.Where(n => n.AnchorPid > 0).Select(n => n.AnchorPid).ToList(), problems, ct).ConfigureAwait(false);
        _residue.RemoveCgroups(problems);

        await _sandbox.DisposeAsync().ConfigureAwait(false);
        try
        {
            if (Directory.Exists(RunDirectory)) Directory.Delete(RunDirectory, recursive: true);
        }
        catch (IOException e)
        {
            problems.Add($"cannot remove {RunDirectory}: {e.Message}");
        }

        var left = _residue.OwnProcesses();
        if (left.Count > 0) problems.Add("processes of this run still running: " + string.Join(", ", left.Select(RunResidue.Describe)));
        if (_residue.CgroupDirectories().ToList() is { Count: > 0 } cgroups) problems.Add("cgroup directories left: " + string.Join(", ", cgroups));
        try
        {
            var rootLinks = await RootLinksAsync(CancellationToken.None).ConfigureAwait(false);
            if (rootLinks != _rootLinksBefore) problems.Add($"root namespace changed:\nbefore:\n{_rootLinksBefore}\nafter:\n{rootLinks}");
        }
        catch (Exception e) when (e is CommandFailedException or TimeoutException)
        {
            problems.Add("cannot read the root namespace's links: " + e.Message);
        }
        if (problems.Count > 0)
            throw new InvalidOperationException("local cluster teardown was not clean:\n- " + string.Join("\n- ", problems));
    }

    private static async Task RemoveAllSandboxesAsync(LocalNode node, List<string> problems, CancellationToken ct)
    {
        if (node.Cri is null) return;
        try
        {
            var sandboxes = await node.Cri.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest(), cancellationToken: ct).ConfigureAwait(false);
            foreach (var sandbox in sandboxes.Items)
            {
                try
                {
                    await RemoveSandboxAsync(node, sandbox.Id, ct).ConfigureAwait(false);
                }
                catch (RpcException e)
                {
                    lock (problems) problems.Add($"node {node.Name}: removing sandbox {sandbox.Metadata?.Name} failed: {e.Status.Detail}");
                }
            }
        }
        catch (RpcException e)
        {
            lock (problems) problems.Add($"node {node.Name}: listing sandboxes failed: {e.Status.Detail}");
        }
    }

    private static async Task<string> RootLinksAsync(CancellationToken ct)
    {
        var links = await LocalRunner.Instance.RunCheckedAsync("ip", ["-br", "link"], cancellationToken: ct).ConfigureAwait(false);
        var netns = await LocalRunner.Instance.RunCheckedAsync("ip", ["netns", "list"], cancellationToken: ct).ConfigureAwait(false);
        var sb = new StringBuilder();
        foreach (var line in links.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            sb.AppendLine(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
        sb.Append("netns: ").AppendLine(netns.Stdout.Trim());
        return sb.ToString();
    }
}
