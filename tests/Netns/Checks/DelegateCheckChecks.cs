using System.Text.Json.Nodes;
using BashCni.Harness.Cni;
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
        var token = "delegated-check-" + Guid.NewGuid().ToString("N")[..10];
        var wrapper = await WrapperIpam.InstallAsync(node, WrapperType, real => $$"""
            #!/bin/bash
            # Runs {{real}} for every command but CHECK, which fails with code 100 and a token.
            if [[ "${CNI_COMMAND:-}" == CHECK ]]; then
              cat >/dev/null
              printf '{"cniVersion":"{{version}}","code":100,"msg":"{{token}}"}\n'
              exit 1
            fi
            exec '{{real}}' "$@"
            """, version).ConfigureAwait(false);
        if (wrapper is null) return Verdict.Fail(Check, $"profile '{node.Profile.Name}' delegates to no IPAM plugin");
        var (config, env) = wrapper;
        var pod = await node.CreatePodAsync().ConfigureAwait(false);
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
