using System.Text.Json.Nodes;
using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

/// <summary>
/// What is changed by hand between ADD and CHECK: one value per thing CHECK must verify (the CNI spec: the
/// interfaces, addresses and routes of prevResult; src/Plugin/README.md: the reservation and its address, the host
/// veth as a port of the bridge, the pod interface up with prevResult's address, MAC and routes).
/// </summary>
public enum Drift
{
    None,
    /// <summary>The pod interface lost its address.</summary>
    AddressRemoved,
    /// <summary>The pod interface carries another address instead.</summary>
    AddressChanged,
    /// <summary>The default route of prevResult is gone from the pod.</summary>
    DefaultRouteRemoved,
    /// <summary>A configured (non-default) route of prevResult is gone from the pod.</summary>
    ConfigRouteRemoved,
    /// <summary>The pod interface is gone.</summary>
    InterfaceRemoved,
    /// <summary>The pod interface is down.</summary>
    InterfaceDown,
    /// <summary>The pod interface has another MAC than prevResult's.</summary>
    MacChanged,
    /// <summary>The host end of the pair is gone (and with it the pod end).</summary>
    HostVethRemoved,
    /// <summary>The host end is no longer a port of the bridge.</summary>
    HostVethDetached,
    /// <summary>The attachment's reservation file is gone from the store.</summary>
    ReservationRemoved,
    /// <summary>The attachment's reservation names another address than prevResult's.</summary>
    ReservationMoved,
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
        if (drift == Drift.ConfigRouteRemoved) config = config.Routes((ConfigRoute, null));
        var (pod, add) = await node.AddPodAsync(config).ConfigureAwait(false);
        if (!add.Succeeded) return Verdict.SetUpFailed(check, "ADD failed: " + add.Stdout.Trim());
        var prev = JsonNode.Parse(add.Stdout) ?? throw new FormatException("ADD printed JSON null");
        var call = TestNode.Call(pod, config.PrevResult(prev));
        var address = add.Result?.Ips.FirstOrDefault()?.Address ?? "";
        var ip = address.Split('/')[0];
        var store = $"{node.Node.DataDir}/{config.Name}";
        var hostVeth = (await node.HostVethsAsync().ConfigureAwait(false)).FirstOrDefault()?.Name ?? "";
        var p = new Findings();
        var (expectedCode, expectedText) = await MakeDriftAsync(node, pod, drift, address, ip, store, hostVeth).ConfigureAwait(false);
        var result = await node.Plugin.CheckAsync(drift == Drift.None ? call : call.ExpectingError(expectedCode)).ConfigureAwait(false);
        if (drift == Drift.None)
        {
            if (!result.Succeeded) p.Add($"CHECK right after ADD failed: {result.Stdout.Trim()} {AddChecks.Tail(result.Stderr)}");
            else if (result.Stdout.Trim().Length > 0) p.Add("CHECK printed something on success: " + result.Stdout.Trim());
        }
        else if (result.Succeeded) p.Add($"CHECK passed although the pod's {drift} was done by hand");
        else if (result.Error is null) p.Add($"CHECK failed without a CNI error on stdout: {result.Stdout.Trim()}");
        else if (node.Profile.Has(PluginProfile.ErrorCodes))
        {
            // This project's contract (src/Plugin/README.md, CHECK): code 3 for a missing reservation, else 100 naming the problem.
            if (result.Error.Code != expectedCode) p.Add($"CHECK after {drift} failed with code {result.Error.Code}, expected {expectedCode}: {result.Error.Msg}");
            if (!result.Error.Msg.Contains(expectedText, StringComparison.Ordinal))
                p.Add($"CHECK after {drift} does not name the problem (\"{expectedText}\"): {result.Error.Msg}");
        }
        var del = await node.Plugin.DelAsync(call).ConfigureAwait(false);
        if (!del.Succeeded) p.Add("DEL after CHECK failed: " + del.Stdout.Trim());
        return Verdict.Of(check, p, $"cniVersion {version}");
    }

    /// <summary>The configured route of <see cref="Drift.ConfigRouteRemoved"/>.</summary>
    public const string ConfigRoute = "10.99.0.0/16";

    /// <summary>Makes <paramref name="drift"/> by hand; returns the CNI error code and the text CHECK must answer with.</summary>
    private static async Task<(int Code, string Text)> MakeDriftAsync(TestNode node, PodNamespace pod, Drift drift,
        string address, string ip, string store, string hostVeth)
    {
        switch (drift)
        {
            case Drift.None:
                return (0, "");
            case Drift.AddressRemoved:
                await pod.BashAsync("ip addr flush dev eth0").ConfigureAwait(false);
                return (100, $"does not have {address}");
            case Drift.AddressChanged:
                await pod.BashAsync("ip addr flush dev eth0 && ip addr add 10.244.1.250/24 dev eth0").ConfigureAwait(false);
                return (100, $"does not have {address}");
            case Drift.DefaultRouteRemoved:
                await pod.BashAsync("ip route del default").ConfigureAwait(false);
                return (100, "no route to 0.0.0.0/0");
            case Drift.ConfigRouteRemoved:
                await pod.BashAsync($"ip route del {ConfigRoute}").ConfigureAwait(false);
                return (100, $"no route to {ConfigRoute}");
            case Drift.InterfaceRemoved:
                await pod.BashAsync("ip link del eth0").ConfigureAwait(false);
                return (100, "interface eth0 is missing");
            case Drift.InterfaceDown:
                await pod.BashAsync("ip link set eth0 down").ConfigureAwait(false);
                return (100, "is down");
            case Drift.MacChanged:
                await pod.BashAsync("ip link set eth0 address 02:00:00:00:00:42").ConfigureAwait(false);
                return (100, "does not have MAC");
            case Drift.HostVethRemoved:
                await node.Runner.RunCheckedAsync("ip", ["link", "del", hostVeth], new() { NetNs = node.Node.Name }).ConfigureAwait(false);
                return (100, $"host interface {hostVeth} is missing");
            case Drift.HostVethDetached:
                await node.Runner.RunCheckedAsync("ip", ["link", "set", hostVeth, "nomaster"], new() { NetNs = node.Node.Name }).ConfigureAwait(false);
                return (100, $"host interface {hostVeth} is not attached to");
            case Drift.ReservationRemoved:
                await node.Runner.RunCheckedAsync("rm", [$"{store}/{ip}"]).ConfigureAwait(false);
                return (3, "holds no address");
            case Drift.ReservationMoved:
                await node.Runner.RunCheckedAsync("mv", [$"{store}/{ip}", $"{store}/10.244.1.251"]).ConfigureAwait(false);
                return (100, "address mismatch");
            default:
                throw new ArgumentOutOfRangeException(nameof(drift), drift, null);
        }
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
