using System.Text.Json.Nodes;
using BashCni.Harness.Cni;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

/// <summary>What is changed by hand in the pod between ADD and CHECK.</summary>
public enum Drift
{
    None,
    AddressRemoved,
    DefaultRouteRemoved,
    InterfaceRemoved,
}

public static class CheckChecks
{
    /// <summary>
    /// CHECK with the ADD result as prevResult: passes when nothing changed, fails the CNI way after
    /// <paramref name="drift"/>. A plugin that advertises a version with CHECK must implement it.
    /// </summary>
    public static async Task<Verdict> CheckSeesDriftAsync(TestNode node, Drift drift)
    {
        ArgumentNullException.ThrowIfNull(node);
        var check = $"CHECK {(drift == Drift.None ? "passes right after ADD" : "fails after " + drift)}";
        var version = await AdvertisedCheckVersionAsync(node).ConfigureAwait(false);
        if (version is null) return Verdict.Pass(check, "VERSION advertises no version with CHECK");
        var config = node.Config(version);
        var (pod, add) = await node.AddPodAsync(config).ConfigureAwait(false);
        if (!add.Succeeded) return Verdict.Fail(check, "ADD failed: " + add.Stdout.Trim());
        var prev = JsonNode.Parse(add.Stdout) ?? throw new FormatException("ADD printed JSON null");
        var call = TestNode.Call(pod, config.PrevResult(prev));
        var p = new List<string>();
        switch (drift)
        {
            case Drift.AddressRemoved:
                await pod.BashAsync("ip addr flush dev eth0").ConfigureAwait(false);
                break;
            case Drift.DefaultRouteRemoved:
                await pod.BashAsync("ip route del default").ConfigureAwait(false);
                break;
            case Drift.InterfaceRemoved:
                await pod.BashAsync("ip link del eth0").ConfigureAwait(false);
                break;
        }
        var result = await node.Plugin.CheckAsync(drift == Drift.None ? call : call.ExpectingError()).ConfigureAwait(false);
        if (drift == Drift.None)
        {
            if (!result.Succeeded) p.Add($"CHECK right after ADD failed: {result.Stdout.Trim()} {AddChecks.Tail(result.Stderr)}");
            else if (result.Stdout.Trim().Length > 0) p.Add("CHECK printed something on success: " + result.Stdout.Trim());
        }
        else if (result.Succeeded) p.Add($"CHECK passed although the pod's {drift} was done by hand");
        else if (result.Error is null) p.Add($"CHECK failed without a CNI error on stdout: {result.Stdout.Trim()}");
        var del = await node.Plugin.DelAsync(call).ConfigureAwait(false);
        if (!del.Succeeded) p.Add("DEL after CHECK failed: " + del.Stdout.Trim());
        return Verdict.Of(check, p, $"cniVersion {version}");
    }

    /// <summary>The newest version VERSION advertises that has CHECK, or null.</summary>
    public static async Task<string?> AdvertisedCheckVersionAsync(TestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var version = await node.Plugin.VersionAsync(TestNode.NoContainer(node.Config(node.Profile.CniVersions[0]))).ConfigureAwait(false);
        if (!version.Succeeded) return null;
        var supported = version.Version.SupportedVersions;
        return CniVersions.All.Where(v => supported.Contains(v) && CniVersions.HasCheck(v) && node.Profile.Supports(v))
            .OrderBy(v => v, Comparer<string>.Create(CniVersions.Compare)).LastOrDefault();
    }
}
