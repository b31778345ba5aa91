using System.Text.Json.Nodes;
using BashCni.Harness;
using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Lists;

/// <summary>
/// Network configuration lists as a runtime runs them (<see cref="NetworkList"/>): the profile's plugin first with
/// Debian's portmap and tuning after it, the plugin chained after loopback, CHECK of a list after tuning changed the pod
/// interface, and GC/STATUS of a 1.1.0 list. bash-cni profiles use the .conflist fixtures of fixtures/netconf; other
/// profiles put their own config first in the same lists (<see cref="ProfileList"/>).
/// </summary>
public static class ListChecks
{
    public const string PortmapTuning = "a network list (plugin, portmap, tuning) is added, checked and deleted as libcni runs it";
    public const string ChainedAfterLoopback = "a plugin chained after loopback passes prevResult on";
    public const string ChainedModifications = "CHECK of a list passes after a chained plugin changed the pod interface (tuning: MAC, MTU)";

    /// <summary>What tuning sets on the pod's eth0 in <see cref="ChainedModificationsAsync"/> (a locally administered unicast MAC).</summary>
    public const string TunedMac = "0e:00:00:c0:ff:ee";
    public const int TunedMtu = 1400;
    public const string GcAndStatus = "GC and STATUS of a 1.1.0 network list";

    /// <summary>Where Debian's containernetworking-plugins put the reference plugins.</summary>
    public const string ReferenceDir = "/usr/lib/cni";

    public const int HostPort = 18080;
    public const int ContainerPort = 8080;

    /// <summary>
    /// Debian's portmap 1.1.1 CHECK looks for its ip6tables chain even when the attachment has no IPv6 address and
    /// fails (containernetworking/plugins#819, plugins/meta/portmap/main.go cmdCheck: <c>ip6t</c> is checked whenever
    /// <c>maybeGetIptables(true)</c> returns a table; fixed upstream after 1.1.1). Only this exact failure is excused.
    /// </summary>
    public const string PortmapIpv6CheckDeviation = "could not check ipv6 dnat";

    /// <summary>True (with the finding recorded and the list deleted again) when the list's ADD failed.</summary>
    private static async Task<bool> FailedAddAsync(NetworkList list, ListRun add, Func<NetworkConfig, CniCall> call, List<string> p)
    {
        if (add.Succeeded) return false;
        p.Add("the list's ADD failed:\n" + add.Describe());
        await list.DelAsync(call, null).ConfigureAwait(false);
        return true;
    }

    /// <summary>A .conflist of fixtures/netconf for this node (its data dir and log), the plugin under test first on CNI_PATH.</summary>
    public static async Task<NetworkList> LoadAsync(TestNode node, string file)
    {
        ArgumentNullException.ThrowIfNull(node);
        var raw = await NetworkList.LoadAsync(RepoPaths.Fixture("netconf", file), new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["name"] = "podnet", ["subnet"] = TestNode.DefaultSubnet, ["dataDir"] = node.Node.DataDir, ["logFile"] = node.Node.LogFile,
        }).ConfigureAwait(false);
        return new NetworkList(raw, [node.Profile.PluginDir, ReferenceDir], node.Runner, node.Node.Name);
    }

    /// <summary>
    /// A list of the profile's own config (as the list's first or only interface plugin, in the list's name and a version
    /// the chained reference plugins understand, 1.0.0 or older) with <paramref name="before"/> and
    /// <paramref name="after"/> around it; the plugin's dir first on CNI_PATH, then the reference plugins.
    /// </summary>
    public static NetworkList ProfileList(TestNode node, IEnumerable<JsonObject> before, IEnumerable<JsonObject> after)
    {
        ArgumentNullException.ThrowIfNull(node);
        var version = node.Profile.Supports("1.0.0") ? "1.0.0" : node.Profile.CheckVersion ?? node.Profile.NewestVersion;
        var main = node.Config(version, name: "podnet").ToJsonObject();
        main.Remove("cniVersion");
        main.Remove("name");
        var plugins = new JsonArray();
        foreach (var p in before.Append(main).Concat(after)) plugins.Add(p.DeepClone());
        var raw = new JsonObject { ["cniVersion"] = version, ["name"] = "podnet", ["plugins"] = plugins };
        return new NetworkList(raw, [node.Profile.PluginDir, ReferenceDir], node.Runner, node.Node.Name);
    }

    private static JsonObject Portmap() => new() { ["type"] = "portmap", ["capabilities"] = new JsonObject { ["portMappings"] = true } };

    private static JsonObject Tuning(JsonObject settings)
    {
        var t = new JsonObject { ["type"] = "tuning" };
        foreach (var (k, v) in settings) t[k] = v?.DeepClone();
        return t;
    }

    public static async Task<Verdict> PortmapTuningAsync(TestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var list = node.Profile.IsBashCni
            ? await LoadAsync(node, "bash-cni-portmap-tuning.conflist").ConfigureAwait(false)
            : ProfileList(node, [], [Portmap(), Tuning(new JsonObject { ["sysctl"] = new JsonObject { ["net.core.somaxconn"] = "500" } })]);
        list.CapabilityArgs["portMappings"] = new JsonArray(new JsonObject { ["hostPort"] = HostPort, ["containerPort"] = ContainerPort, ["protocol"] = "tcp" });
        var pod = await node.CreatePodAsync().ConfigureAwait(false);
        CniCall Call(NetworkConfig c) => TestNode.Call(pod, c);
        var p = new List<string>();

        var add = await list.AddAsync(Call).ConfigureAwait(false);
        if (await FailedAddAsync(list, add, Call, p).ConfigureAwait(false)) return Verdict.Of(PortmapTuning, p);
        var first = add.Steps[0].Exchange.Result!;
        var podIp = PodAddress(first, pod.Path, "eth0");
        if (podIp is null) return Verdict.Fail(PortmapTuning, $"{node.Profile.Type}'s result names no address on eth0: {first.Json}");
        // Each chained plugin passes the result it got on (portmap and tuning add nothing).
        foreach (var step in add.Steps.Skip(1))
            if (step.Exchange.Result is not { } r || PodAddress(r, pod.Path, "eth0") != podIp)
                p.Add($"{step.Type}'s result lost the pod address {podIp} of its prevResult: {step.Exchange.Stdout.Trim()}");
        await ExpectPodAddressAsync(pod, podIp, "after the list's ADD", p).ConfigureAwait(false);

        // tuning acted in the pod; portmap's DNAT is in the node's kernel and a connection to the host port reaches the pod.
        var somaxconn = await pod.ExecAsync("cat", ["/proc/sys/net/core/somaxconn"]).ConfigureAwait(false);
        if (somaxconn.Stdout.Trim() != "500") p.Add($"tuning: net.core.somaxconn in the pod is '{somaxconn.Stdout.Trim()}', the list says 500");
        var nat = await NatRulesAsync(node).ConfigureAwait(false);
        var dnat = $"--to-destination {Ip(podIp)}:{ContainerPort}";
        if (!nat.Contains(dnat, StringComparison.Ordinal) || !nat.Contains($"--dport {HostPort}", StringComparison.Ordinal))
            p.Add($"portmap: no DNAT of port {HostPort} to {Ip(podIp)}:{ContainerPort} in the node's nat table:\n{nat}");
        // End to end only where the node can reach its pods: a node never reaches its own macvlan children through the
        // parent link (the kernel's macvlan design), so there the DNAT rule is what is checked.
        var endToEnd = node.Profile.Topology != PluginProfile.TopologyMacvlan;
        var reached = endToEnd ? await ConnectThroughHostPortAsync(node, pod, Ip(podIp)).ConfigureAwait(false) : null;
        if (reached is not null) p.Add(reached);

        // CHECK: every plugin in order with the cached result (the list's last result).
        var check = await list.CheckAsync(Call, add.Result, stopAtFailure: false).ConfigureAwait(false);
        var deviations = new List<string>();
        foreach (var step in check.Steps.Where(s => !s.Exchange.Succeeded))
        {
            if (step.Type == "portmap" && step.Exchange.Stdout.Contains(PortmapIpv6CheckDeviation, StringComparison.Ordinal))
            {
                // Declared, so its step reads "as expected" and does not turn the test red: the deviation is judged here.
                step.Exchange.ExpectError();
                deviations.Add("portmap CHECK: known deviation containernetworking/plugins#819 (" + step.Exchange.Stdout.Trim().ReplaceLineEndings(" ") + ")");
            }
            else p.Add($"CHECK of {step.Type} with the cached result failed: exit {step.Exchange.ExitCode} {step.Exchange.Stdout.Trim()}");
        }

        // DEL in reverse order: the port mapping, the address and the links are gone; a second DEL succeeds.
        var del = await list.DelAsync(Call, add.Result).ConfigureAwait(false);
        if (!del.Succeeded) p.Add("the list's DEL failed:\n" + del.Describe());
        var order = string.Join(",", del.Order);
        if (order != $"tuning,portmap,{node.Profile.Type}") p.Add($"DEL ran {order}, expected tuning,portmap,{node.Profile.Type}");
        var natAfter = await NatRulesAsync(node).ConfigureAwait(false);
        if (natAfter.Contains(dnat, StringComparison.Ordinal)) p.Add($"portmap's DNAT to {Ip(podIp)} is still in the node after the list's DEL:\n{natAfter}");
        if (await pod.LinkAsync("eth0").ConfigureAwait(false) is not null) p.Add("eth0 still exists in the pod after the list's DEL");
        if ((await node.Node.ReservationsAsync(list.Name).ConfigureAwait(false)).Count > 0) p.Add("a reservation is left after the list's DEL");
        var again = await list.DelAsync(Call, add.Result).ConfigureAwait(false);
        if (!again.Succeeded) p.Add("a second DEL of the list failed:\n" + again.Describe());
        return Verdict.Of(PortmapTuning, p, $"pod {podIp}; " + (endToEnd ? "" : "host port not connected end to end (the node cannot reach a macvlan child); ")
            + (deviations.Count > 0 ? string.Join("; ", deviations) : "no deviation"));
    }

    public static async Task<Verdict> ChainedAfterLoopbackAsync(TestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var list = node.Profile.IsBashCni
            ? await LoadAsync(node, "loopback-bash-cni.conflist").ConfigureAwait(false)
            : ProfileList(node, [new JsonObject { ["type"] = "loopback" }], []);
        var type = node.Profile.Type;
        var pod = await node.CreatePodAsync().ConfigureAwait(false);
        CniCall Call(NetworkConfig c) => TestNode.Call(pod, c);
        var p = new List<string>();
        var add = await list.AddAsync(Call).ConfigureAwait(false);
        if (await FailedAddAsync(list, add, Call, p).ConfigureAwait(false)) return Verdict.Of(ChainedAfterLoopback, p);
        var prev = add.Steps[0].Exchange.Result!;
        var mine = add.Steps[1].Exchange.Result!;
        // CNI spec 1.0.0, ADD: a plugin given a prevResult passes it through or modifies it appropriately.
        var prevNames = prev.Interfaces.Select(i => i.Name).ToList();
        var kept = mine.Interfaces.Take(prevNames.Count).Select(i => i.Name).ToList();
        if (!kept.SequenceEqual(prevNames, StringComparer.Ordinal))
            p.Add($"{type}'s result does not start with prevResult's interfaces [{string.Join(",", prevNames)}]: [{string.Join(",", mine.Interfaces.Select(i => i.Name))}]");
        foreach (var ip in prev.Ips)
            if (!mine.Ips.Any(m => m.Address == ip.Address))
                p.Add($"{type}'s result dropped prevResult's address {ip.Address}");
        var podIp = PodAddress(mine, pod.Path, "eth0");
        if (podIp is null) p.Add($"{type}'s result has no address whose interface is eth0 in the pod: {mine.Json}");
        else await ExpectPodAddressAsync(pod, podIp, "after the list's ADD", p).ConfigureAwait(false);
        var check = await list.CheckAsync(Call, add.Result).ConfigureAwait(false);
        if (!check.Succeeded) p.Add("CHECK of the list with the cached result failed:\n" + check.Describe());
        var del = await list.DelAsync(Call, add.Result).ConfigureAwait(false);
        if (!del.Succeeded) p.Add("the list's DEL failed:\n" + del.Describe());
        if (await pod.LinkAsync("eth0").ConfigureAwait(false) is not null) p.Add("eth0 still exists in the pod after the list's DEL");
        if ((await node.Node.ReservationsAsync(list.Name).ConfigureAwait(false)).Count > 0) p.Add("a reservation is left after the list's DEL");
        return Verdict.Of(ChainedAfterLoopback, p, $"pod {podIp}");
    }

    /// <summary>
    /// CNI spec 0.4.0, CHECK: "The plugin must allow for a later chained plugin to have modified networking resources".
    /// The list [plugin, tuning] where tuning sets the pod eth0's MAC and MTU (plugins/meta/tuning: it writes the new MAC
    /// into the result it passes on; 1.0.0 results carry no MTU): after the list's ADD the kernel shows tuning's values
    /// (else the check proves nothing), and CHECK of every plugin with the list's cached result succeeds; the list's DEL
    /// leaves nothing behind.
    /// </summary>
    public static async Task<Verdict> ChainedModificationsAsync(TestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var list = ProfileList(node, [], [Tuning(new JsonObject { ["mac"] = TunedMac, ["mtu"] = TunedMtu })]);
        var pod = await node.CreatePodAsync().ConfigureAwait(false);
        CniCall Call(NetworkConfig c) => TestNode.Call(pod, c);
        var p = new List<string>();
        var add = await list.AddAsync(Call).ConfigureAwait(false);
        if (!add.Succeeded)
        {
            await list.DelAsync(Call, null).ConfigureAwait(false);
            return Verdict.SetUpFailed(ChainedModifications, "the list's ADD failed:\n" + add.Describe());
        }
        var eth0 = await pod.LinkAsync("eth0").ConfigureAwait(false);
        if (eth0 is null || !string.Equals(eth0.Mac, TunedMac, StringComparison.OrdinalIgnoreCase) || eth0.Mtu != TunedMtu)
            p.Add($"tuning did not change the pod's eth0 (MAC {eth0?.Mac ?? "-"}, MTU {eth0?.Mtu?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}; the list says {TunedMac}, {TunedMtu})");
        var check = await list.CheckAsync(Call, add.Result, stopAtFailure: false).ConfigureAwait(false);
        foreach (var step in check.Steps.Where(s => !s.Exchange.Succeeded))
            p.Add($"CHECK of {step.Type} with the cached result failed: exit {step.Exchange.ExitCode} {step.Exchange.Stdout.Trim().ReplaceLineEndings(" ")}");
        var del = await list.DelAsync(Call, add.Result).ConfigureAwait(false);
        if (!del.Succeeded) p.Add("the list's DEL failed:\n" + del.Describe());
        if (await pod.LinkAsync("eth0").ConfigureAwait(false) is not null) p.Add("eth0 still exists in the pod after the list's DEL");
        if ((await node.Node.ReservationsAsync(list.Name).ConfigureAwait(false)).Count > 0) p.Add("a reservation is left after the list's DEL");
        return Verdict.Of(ChainedModifications, p, $"eth0 {eth0?.Mac} mtu {eth0?.Mtu}; CHECK ran {string.Join(",", check.Order)}");
    }

    public static async Task<Verdict> GcAndStatusAsync(TestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var list = await LoadAsync(node, "bash-cni-1.1.0.conflist").ConfigureAwait(false);
        var p = new List<string>();
        var status = await list.StatusAsync(c => TestNode.NoContainer(c)).ConfigureAwait(false);
        if (!status.Succeeded) p.Add("STATUS of the list failed before any ADD:\n" + status.Describe());
        var keep = await node.CreatePodAsync("keep").ConfigureAwait(false);
        var drop = await node.CreatePodAsync("drop").ConfigureAwait(false);
        var addKeep = await list.AddAsync(c => TestNode.Call(keep, c)).ConfigureAwait(false);
        var addDrop = await list.AddAsync(c => TestNode.Call(drop, c)).ConfigureAwait(false);
        if (!addKeep.Succeeded || !addDrop.Succeeded)
            return Verdict.Fail(GcAndStatus, "the list's ADD failed:\n" + addKeep.Describe() + "\n" + addDrop.Describe());
        var keepIp = Ip(addKeep.Steps[0].Exchange.Result!.FirstIp.Address);
        var dropIp = Ip(addDrop.Steps[0].Exchange.Result!.FirstIp.Address);
        var gc = await list.GcAsync(c => TestNode.NoContainer(c), [(keep.ContainerId, "eth0")]).ConfigureAwait(false);
        if (!gc.Succeeded) p.Add("GC of the list failed:\n" + gc.Describe());
        var reserved = await node.Node.ReservationsAsync(list.Name).ConfigureAwait(false);
        if (!reserved.ContainsKey(keepIp)) p.Add($"GC of the list released {keepIp} of a valid attachment");
        if (reserved.ContainsKey(dropIp)) p.Add($"GC of the list kept {dropIp}, whose attachment is not in cni.dev/valid-attachments");
        var statusAfter = await list.StatusAsync(c => TestNode.NoContainer(c)).ConfigureAwait(false);
        if (!statusAfter.Succeeded) p.Add("STATUS of the list failed after GC:\n" + statusAfter.Describe());
        foreach (var (pod, run) in new[] { (keep, addKeep), (drop, addDrop) })
        {
            var del = await list.DelAsync(c => TestNode.Call(pod, c), run.Result).ConfigureAwait(false);
            if (!del.Succeeded) p.Add($"the list's DEL of {pod.PodName} failed:\n" + del.Describe());
        }
        return Verdict.Of(GcAndStatus, p, $"kept {keepIp}, collected {dropIp}");
    }

    /// <summary>The address of the result's ips whose interface is <paramref name="ifName"/> in <paramref name="sandbox"/>.</summary>
    public static string? PodAddress(CniResult result, string sandbox, string ifName)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Ips.FirstOrDefault(ip => ip.Interface is int i && i >= 0 && i < result.Interfaces.Count
            && result.Interfaces[i].Name == ifName && result.Interfaces[i].Sandbox == sandbox)?.Address;
    }

    private static string Ip(string cidr) => cidr.Split('/')[0];

    private static async Task ExpectPodAddressAsync(PodNamespace pod, string cidr, string when, List<string> p)
    {
        var link = await pod.LinkAsync("eth0").ConfigureAwait(false);
        if (link is null || !link.Ipv4.Any(a => a.Cidr == cidr))
            p.Add($"{when}: eth0 in the pod carries [{string.Join(",", link?.Ipv4.Select(a => a.Cidr) ?? [])}], the result says {cidr}");
    }

    private static async Task<string> NatRulesAsync(TestNode node) =>
        (await node.Node.ExecAsync("iptables-save", ["-t", "nat"]).ConfigureAwait(false)).Stdout;

    /// <summary>
    /// A listener in the pod on its address and <see cref="ContainerPort"/> answers a token; the node connects to its own
    /// eth0 address on <see cref="HostPort"/> (all inside the sandbox). The listener is waited for by its socket showing up
    /// in LISTEN (observed, not timed) and is stopped by its PID. The client, its stdin at EOF at once, waits up to 10 s
    /// for the answer (-t10; socat's default 0.5 s closed the connection before a slow listener wrote on a busy machine). Null when the token came back, else the problem.
    /// </summary>
    private static async Task<string?> ConnectThroughHostPortAsync(TestNode node, PodNamespace pod, string podIp)
    {
        var token = "reached-" + Guid.NewGuid().ToString("N")[..12];
        var hostIp = node.Node.UplinkAddress.Split('/')[0];
        const string script = """
            set -euo pipefail
            pod=$1 node=$2 podip=$3 hostip=$4 token=$5 cport=$6 hport=$7
            ip netns exec "$pod" socat -T10 "TCP-LISTEN:$cport,bind=$podip,reuseaddr" "SYSTEM:echo $token" & listener=$!
            trap 'kill "$listener" 2>/dev/null || true; wait "$listener" 2>/dev/null || true' EXIT
            for _ in $(seq 1 400); do
              ip netns exec "$pod" ss -Hltn "sport = :$cport" | grep -q . && break
              kill -0 "$listener" 2>/dev/null || { echo "the listener ended before listening" >&2; exit 3; }
              sleep 0.05
            done
            ip netns exec "$node" socat -T10 -t10 - "TCP:$hostip:$hport,connect-timeout=10" </dev/null
            """;
        var r = await node.Runner.RunAsync("bash", ["-c", script, "hostport", pod.Name, node.Node.Name, podIp, hostIp, token,
            ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), HostPort.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ConfigureAwait(false);
        return r.Stdout.Trim() == token ? null
            : $"a connection to {hostIp}:{HostPort} in the node did not reach the pod's {podIp}:{ContainerPort} (exit {r.ExitCode}, got '{r.Stdout.Trim()}', {r.Stderr.Trim()})";
    }
}
