using System.Text.Json.Nodes;
using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Config;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

/// <summary>
/// CNI spec 0.4.0, CHECK: "The plugin should call CHECK on any delegated (e.g. IPAM) plugins and pass any errors on to
/// its caller." The profile's config with a delegated IPAM (bash-cni: its standard form, ipam bash-cni-ipam) names a
/// wrapper IPAM instead, first on CNI_PATH: the wrapper runs the real IPAM for every command but CHECK, where it fails
/// with code 100 and a token of its own. ADD succeeds through it; CHECK must fail and carry the token (the delegate ran
/// and its error was passed on); DEL cleans up.
/// </summary>
public static class DelegateCheckChecks
{
    public const string Check = "CHECK calls the delegated IPAM plugin's CHECK and passes its error on";

    private const string WrapperType = "check-failing-ipam";

    public static async Task<Verdict> DelegatedCheckErrorAsync(TestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var version = node.Profile.CheckVersion ?? CniVersions.V040;
        var config = node.Profile.IsBashCni ? new FieldForms(node, ConfigForm.Ipam).Base() : node.Config(version);
        if (config.IpamType is not { } ipamType) return Verdict.Fail(Check, $"profile '{node.Profile.Name}' delegates to no IPAM plugin");
        var o = config.ToJsonObject();
        o["cniVersion"] = version;
        ((JsonObject)o["ipam"]!)["type"] = WrapperType;
        config = NetworkConfig.Parse(o.ToJsonString());

        var token = "delegated-check-" + Guid.NewGuid().ToString("N")[..10];
        var dir = node.Node.StateDir + "/wrapped-ipam";
        var real = Path.Combine(node.Profile.PluginDir, ipamType);
        var script = $$"""
            #!/bin/bash
            # Runs {{real}} for every command but CHECK, which fails with code 100 and a token.
            if [[ "${CNI_COMMAND:-}" == CHECK ]]; then
              cat >/dev/null
              printf '{"cniVersion":"{{version}}","code":100,"msg":"{{token}}"}\n'
              exit 1
            fi
            exec '{{real}}' "$@"
            """;
        await node.Runner.RunCheckedAsync("bash", ["-c", "mkdir -p \"$1\" && printf '%s\\n' \"$2\" >\"$1/$3\" && chmod 0755 \"$1/$3\"",
            "wrap", dir, script, WrapperType]).ConfigureAwait(false);
        var pod = await node.CreatePodAsync().ConfigureAwait(false);
        var env = new Dictionary<string, string?>(StringComparer.Ordinal) { ["CNI_PATH"] = $"{dir}:{node.Profile.PluginDir}" };
        var call = TestNode.Call(pod, config) with { ExtraEnv = env };
        var p = new Findings();
        var add = await node.Plugin.AddAsync(call).ConfigureAwait(false);
        if (!add.Succeeded)
        {
            await node.CleanUpAsync(call, p).ConfigureAwait(false);
            return Verdict.SetUpFailed(Check, $"ADD through the wrapper IPAM failed: exit {add.ExitCode} {add.Stdout.Trim()} {AddChecks.Tail(add.Stderr, 300)}");
        }
        var prev = JsonNode.Parse(add.Stdout) ?? throw new FormatException("ADD printed JSON null");
        var checkCall = TestNode.Call(pod, config.PrevResult(prev)) with { ExtraEnv = env };
        var check = await node.Plugin.CheckAsync(checkCall.ExpectingError()).ConfigureAwait(false);
        if (check.Succeeded) p.Add("CHECK succeeded although the delegated IPAM's CHECK failed (it was not called, or its error was dropped)");
        else if (!check.Stdout.Contains(token, StringComparison.Ordinal))
            p.Add($"CHECK failed without the delegated IPAM's error ({token}): exit {check.ExitCode} {check.Stdout.Trim()}");
        await node.CleanUpAsync(call, p).ConfigureAwait(false);
        var left = await node.ReservationsAsync(config).ConfigureAwait(false);
        if (left.Count > 0) p.Add($"after DEL the store still holds {string.Join(", ", left.Keys)}");
        return Verdict.Of(Check, p, $"CHECK exit {check.ExitCode}: {check.Stdout.Trim()}");
    }
}
