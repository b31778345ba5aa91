using System.Text.RegularExpressions;
using BashCni.Harness.Sandbox;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace BashCni.Harness.Kubernetes;

/// <summary>
/// Turns the lab's three prepared machines into a cluster over SSH: waits for cloud-init, <c>kubeadm init</c> on the
/// master (pod network from the outputs, the public address in the API certificate, node CIDR allocation off),
/// <c>kubeadm join</c> on the workers, writes each node's <c>spec.podCIDR</c> (the subnet the AWS route table sends
/// to that node), installs the plugin and fetches a kubeconfig that reaches the API from outside. Every step checks
/// whether it was already done, so a re-run continues where the last one stopped.
/// </summary>
public sealed partial class KubeadmBootstrap(AwsLabOutputs outputs, IReadOnlyDictionary<string, INodeAccess> nodes, Action<string> progress)
{
    public const int ApiPort = 6443;

    /// <summary>How long a machine may take from boot to the end of cloud-init (default 20 minutes).</summary>
    public TimeSpan NodeReadyTimeout { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>Runs every step; returns the kubeconfig text (server rewritten to the master's public address).</summary>
    public async Task<string> RunAsync(string pluginDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pluginDirectory);
        var master = nodes[outputs.Master];
        await Task.WhenAll(outputs.NodeNames.Select(name => WaitForNodeAsync(name, cancellationToken))).ConfigureAwait(false);

        progress($"kubeadm init on {outputs.Master}");
        await RunCheckedAsync(master, InitScript(outputs.Master, outputs.PrivateIps[outputs.Master], outputs.MasterPublicIp, outputs.PodNetwork),
            cancellationToken).ConfigureAwait(false);

        foreach (var worker in outputs.Workers)
        {
            progress($"kubeadm join on {worker}");
            var join = (await RunCheckedAsync(master, "kubeadm token create --print-join-command --ttl 30m", cancellationToken)
                .ConfigureAwait(false)).Stdout.Trim();
            await RunCheckedAsync(nodes[worker], JoinScript(join, worker), cancellationToken).ConfigureAwait(false);
        }

        foreach (var name in outputs.NodeNames)
        {
            progress($"podCIDR {outputs.PodCidrs[name]} for {name}");
            await WaitUntilAsync($"node {name} registered", async ct =>
                (await master.RunAsync($"kubectl --kubeconfig /etc/kubernetes/admin.conf get node {SshNodeAccess.ShellQuote(name)}", ct)
                    .ConfigureAwait(false)).Succeeded, TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
            await RunCheckedAsync(master, PodCidrScript(name, outputs.PodCidrs[name]), cancellationToken).ConfigureAwait(false);
        }

        foreach (var name in outputs.NodeNames)
        {
            progress($"plugin install on {name}");
            await PluginInstaller.InstallAsync(nodes[name], pluginDirectory, outputs.PodCidrs[name], outputs.PodNetwork,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var adminConf = (await RunCheckedAsync(master, "cat /etc/kubernetes/admin.conf", cancellationToken).ConfigureAwait(false)).Stdout;
        return RewriteServer(adminConf, outputs.MasterPublicIp);
    }

    /// <summary>kubeadm init with the lab's settings, skipped when the control plane exists.</summary>
    public static string InitScript(string nodeName, string advertiseAddress, string publicAddress, string podNetwork) => $$"""
        set -euo pipefail
        if [ -f /etc/kubernetes/admin.conf ]; then
          echo "control plane already initialised"
          exit 0
        fi
        install -d -m 0700 /etc/bash-cni
        cat > /etc/bash-cni/kubeadm.yaml <<'YAML'
        apiVersion: kubeadm.k8s.io/v1beta4
        kind: InitConfiguration
        localAPIEndpoint:
          advertiseAddress: {{advertiseAddress}}
          bindPort: {{ApiPort}}
        nodeRegistration:
          name: {{nodeName}}
        ---
        apiVersion: kubeadm.k8s.io/v1beta4
        kind: ClusterConfiguration
        networking:
          podSubnet: {{podNetwork}}
        apiServer:
          certSANs:
            - {{publicAddress}}
            - {{advertiseAddress}}
            - {{nodeName}}
        controllerManager:
          extraArgs:
            # node subnets are written by the bootstrap so they match the AWS route table
            - name: allocate-node-cidrs
              value: "false"
        YAML
        kubeadm init --config /etc/bash-cni/kubeadm.yaml
        """ + "\n";

    /// <summary>Runs the join command printed by the master, skipped when the node already joined.</summary>
    public static string JoinScript(string joinCommand, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(joinCommand);
        if (!JoinCommandPattern().IsMatch(joinCommand))
            throw new FormatException($"unexpected join command from kubeadm: '{joinCommand}'");
        return $"""
            set -euo pipefail
            if [ -f /etc/kubernetes/kubelet.conf ]; then
              echo "node already joined"
              exit 0
            fi
            {joinCommand.Trim()} --node-name {SshNodeAccess.ShellQuote(nodeName)}
            """ + "\n";
    }

    /// <summary>Sets the node's podCIDR when it has none; fails when it has a different one.</summary>
    public static string PodCidrScript(string nodeName, string podCidr)
    {
        var node = SshNodeAccess.ShellQuote(nodeName);
        var cidr = SshNodeAccess.ShellQuote(podCidr);
        var patch = SshNodeAccess.ShellQuote(System.Text.Json.JsonSerializer.Serialize(
            new { spec = new { podCIDR = podCidr, podCIDRs = new[] { podCidr } } }));
        return $$"""
            set -euo pipefail
            export KUBECONFIG=/etc/kubernetes/admin.conf
            current="$(kubectl get node {{node}} -o jsonpath='{.spec.podCIDR}')"
            if [ -z "$current" ]; then
              kubectl patch node {{node}} --type merge -p {{patch}}
            elif [ "$current" != {{cidr}} ]; then
              echo "node {{nodeName}} already has podCIDR $current, expected {{podCidr}}" >&2
              exit 1
            fi
            """ + "\n";
    }

    /// <summary>Points the kubeconfig's server at the master's public address.</summary>
    public static string RewriteServer(string kubeconfig, string publicAddress)
    {
        ArgumentNullException.ThrowIfNull(kubeconfig);
        var rewritten = ServerPattern().Replace(kubeconfig, m => $"{m.Groups[1].Value}https://{publicAddress}:{ApiPort}");
        return rewritten != kubeconfig || kubeconfig.Contains($"https://{publicAddress}:{ApiPort}", StringComparison.Ordinal)
            ? rewritten
            : throw new FormatException("the kubeconfig has no 'server:' line to rewrite");
    }

    private async Task WaitForNodeAsync(string name, CancellationToken cancellationToken)
    {
        progress($"waiting for {name} (SSH and cloud-init)");
        string? failed = null;
        await WaitUntilAsync($"{name} ready (cloud-init wrote /var/lib/bash-cni/node-ready)", async ct =>
        {
            try
            {
                var state = await nodes[name].RunAsync(
                    "if test -f /var/lib/bash-cni/node-ready; then echo ready; " +
                    "elif test -f /var/lib/bash-cni/node-failed; then cat /var/lib/bash-cni/node-failed; tail -n 30 /var/log/cloud-init-output.log; exit 3; " +
                    "else exit 1; fi", ct).ConfigureAwait(false);
                if (state.ExitCode == 3) failed = state.Stdout.Trim();
                return state.Succeeded || failed is not null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return false; // still booting: SSH refused or keys not installed yet
            }
        }, NodeReadyTimeout, cancellationToken).ConfigureAwait(false);
        if (failed is not null) throw new InvalidOperationException($"{name}: the node preparation (cloud-init) failed:\n{failed}");
    }

    private static async Task WaitUntilAsync(string what, Func<CancellationToken, ValueTask<bool>> probe, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var pipeline = new ResiliencePipelineBuilder<bool>()
            .AddTimeout(timeout)
            .AddRetry(new RetryStrategyOptions<bool>
            {
                ShouldHandle = new PredicateBuilder<bool>().HandleResult(false),
                MaxRetryAttempts = int.MaxValue,
                Delay = TimeSpan.FromSeconds(10),
                BackoffType = DelayBackoffType.Constant,
            })
            .Build();
        try
        {
            await pipeline.ExecuteAsync(probe, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw new TimeoutException($"gave up after {timeout.TotalMinutes:F0} min waiting for {what}", e);
        }
    }

    private static async Task<CommandResult> RunCheckedAsync(INodeAccess node, string script, CancellationToken cancellationToken) =>
        (await node.RunAsync(script, cancellationToken).ConfigureAwait(false)).EnsureSuccess();

    [GeneratedRegex(@"^kubeadm join [A-Za-z0-9.\-]+:\d+ --token [a-z0-9]{6}\.[a-z0-9]{16} --discovery-token-ca-cert-hash sha256:[0-9a-f]{64}\s*$")]
    private static partial Regex JoinCommandPattern();

    [GeneratedRegex(@"^(\s*server:\s*)https://\S+$", RegexOptions.Multiline)]
    private static partial Regex ServerPattern();
}
