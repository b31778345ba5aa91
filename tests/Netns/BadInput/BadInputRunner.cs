using System.Text.Json.Nodes;
using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.BadInput;

/// <summary>Runs bad-input cases on a node that already has one pod added, and judges them.</summary>
public static class BadInputRunner
{
    private const string StateScript = """
        set -uo pipefail
        node=$1 state=$2 pod=$3
        echo '## node'; ip -n "$node" -br addr | awk '{$2=""; print}' | sort
        echo '## pod'; ip -n "$pod" -br addr 2>/dev/null | awk '{$2=""; print}' | sort
        echo '## files'; cd "$state" && find . -printf '%p %y %m %s\n' | sort && find . -type f -exec md5sum {} + | sort -k2
        """;

    /// <summary>Everything a bad input must not change: node and pod links/addresses, namespaces, files of the node.</summary>
    public static async Task<string> SnapshotAsync(TestNode node, PodNamespace pod)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(pod);
        var r = await node.Runner.RunCheckedAsync("bash", ["-c", StateScript, "state", node.Node.Name, node.Node.StateDir, pod.Name]).ConfigureAwait(false);
        return r.Stdout;
    }

    /// <summary>Runs one case against <paramref name="target"/> (a pod netns never added) and returns the verdict.</summary>
    public static async Task<(Verdict Verdict, CniExchange Exchange)> RunAsync(TestNode node, PodNamespace target, BadInputCase c)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(c);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["canary"] = node.Node.StateDir + "/canary",
            ["netns"] = target.Path,
        };
        var config = node.Config(node.Profile.Supports(CniVersions.V040) ? CniVersions.V040 : node.Profile.NewestVersion);
        if (c.Patch is not null)
            foreach (var (key, value) in (JsonObject)BadInputCase.Fill(c.Patch, values)!)
                config = value is null ? config.Without(key) : config.With(key, value);
        if (c.IpamPatch is not null)
            foreach (var (key, value) in (JsonObject)BadInputCase.Fill(c.IpamPatch, values)!)
                config = value is null ? config.WithoutIpamField(key) : config.WithIpamField(key, value);
        var env = c.Env.ToDictionary(kv => kv.Key, kv => BadInputCase.Fill(kv.Value, values), StringComparer.Ordinal);
        var call = TestNode.Call(target, config) with
        {
            ExtraEnv = env,
            RawStdin = BadInputCase.Fill(c.StdinRaw, values),
            ExpectedError = new ExpectedCniError(node.Profile.Has(PluginProfile.ErrorCodes) ? c.AcceptedCodes
                : c.SpecCode is { } specCode ? [specCode] : []),
        };

        var before = await SnapshotAsync(node, target).ConfigureAwait(false);
        var exchange = await node.Plugin.InvokeAsync(c.Command, call).ConfigureAwait(false);
        var after = await SnapshotAsync(node, target).ConfigureAwait(false);

        var p = new List<string>();
        if (exchange.Succeeded) p.Add($"exit 0 (accepted): stdout {exchange.Stdout.Trim()}");
        else if (!CniError.TryParse(exchange.Stdout, out var error) || error is null)
            p.Add($"exit {exchange.ExitCode} without a CNI error JSON on stdout: stdout '{exchange.Stdout.Trim()}', stderr '{AddChecks.Tail(exchange.Stderr, 400)}'");
        else
        {
            if (string.IsNullOrWhiteSpace(error.Msg)) p.Add("the error has an empty msg");
            if (node.Profile.Has(PluginProfile.ErrorCodes))
            {
                if (!c.AcceptedCodes.Contains(error.Code))
                    p.Add($"code {error.Code} ({error.Msg}); expected {string.Join(" or ", c.AcceptedCodes)}");
                if (c.MsgNames is { } field && !error.Msg.Contains(field, StringComparison.Ordinal))
                    p.Add($"msg '{error.Msg}' does not name {field}, the field at fault");
            }
            else if (c.SpecCode is { } spec && error.Code != spec)
                p.Add($"code {error.Code} ({error.Msg}); the CNI spec says {spec}");
        }
        if (before != after) p.Add($"state changed:\n--- before\n{before}\n--- after\n{after}");
        return (Verdict.Of($"bad input {c.Name} ({c.Description})", p), exchange);
    }
}
