using System.Text.Json.Nodes;
using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Config;

/// <summary>
/// One check per configuration field: the field set to a value other than its default, and the effect looked for
/// where the field acts — the kernel (pod, host veth, bridge), the allocation (store), the result or the log.
/// </summary>
public static class FieldEffectChecks
{
    private static async Task<(PodNamespace Pod, CniExchange Add, List<string> Problems)> AddAsync(FieldForms f, NetworkConfig config)
    {
        var (pod, add) = await f.Node.AddPodAsync(config).ConfigureAwait(false);
        var p = new Findings();
        if (!add.Succeeded || add.Result is null) p.SetUp($"ADD failed: {add.Stdout.Trim()} {AddChecks.Tail(add.Stderr, 300)}");
        return (pod, add, p);
    }

    private static async Task<IpLink?> PodEth0Async(PodNamespace pod) => await pod.LinkAsync("eth0").ConfigureAwait(false);

    private static async Task<IReadOnlyList<IpLink>> NodeLinksAsync(FieldForms f) => await f.Node.Node.LinksAsync().ConfigureAwait(false);

    private static async Task<string> ListAsync(FieldForms f, string dir) =>
        (await f.Node.Runner.RunAsync("bash", ["-c", "ls -A \"$1\" 2>/dev/null | tr '\\n' ' '", "ls", dir]).ConfigureAwait(false)).Stdout.Trim();

    public static async Task<Verdict> CniVersionAsync(FieldForms f)
    {
        var (_, add, p) = await AddAsync(f, f.With("cniVersion", "0.4.0")).ConfigureAwait(false);
        if (add.Result is { } r)
        {
            if (r.CniVersion != "0.4.0") p.Add($"result written in {r.CniVersion}, config says 0.4.0");
            if (r.Ips.FirstOrDefault()?.Version != "4") p.Add("a 0.4.0 result without ips[].version \"4\"");
        }
        return Verdict.Of("cniVersion selects the result's version", p, add.Stdout.Trim());
    }

    public static async Task<Verdict> NameAsync(FieldForms f)
    {
        var config = f.With("name", "fieldnet");
        var (_, add, p) = await AddAsync(f, config).ConfigureAwait(false);
        var mine = await f.Node.ReservationsAsync(config).ConfigureAwait(false);
        var other = await f.Node.Node.ReservationsAsync("mynet").ConfigureAwait(false);
        var ip = add.Result?.Ips.FirstOrDefault()?.Ip.ToString();
        if (ip is not null && !mine.ContainsKey(ip)) p.Add($"no reservation of {ip} in the store directory named 'fieldnet' (it has: {string.Join(", ", mine.Keys)})");
        if (other.Count > 0) p.Add($"reservation(s) in 'mynet' although the network is named 'fieldnet': {string.Join(", ", other.Keys)}");
        return Verdict.Of("name names the store directory", p);
    }

    /// <summary><c>type</c> acts in the runtime: it runs <c>$CNI_PATH/&lt;type&gt;</c>. Here that is a link named by the type; its log line shows it ran.</summary>
    public static async Task<Verdict> TypeAsync(FieldForms f)
    {
        var dir = f.Node.Node.StateDir + "/cni-bin";
        var config = f.With("type", "field-bridge");
        await f.Node.Runner.RunCheckedAsync("bash", ["-c", "mkdir -p \"$1\" && ln -sf \"$2\" \"$1/$3\"", "link", dir, f.Node.Plugin.PluginPath, config.Type]).ConfigureAwait(false);
        var plugin = new CniPlugin(dir, config.Type, f.Node.Runner) { NodeNetNs = f.Node.Node.Name, CniPath = f.Node.Plugin.PluginDir };
        var pod = await f.Node.CreatePodAsync().ConfigureAwait(false);
        var add = await plugin.AddAsync(TestNode.Call(pod, config)).ConfigureAwait(false);
        var p = new Findings();
        if (!add.Succeeded) p.SetUp($"ADD through $CNI_PATH/{config.Type} failed: {add.Stdout.Trim()}");
        var log = await f.Node.Runner.RunAsync("cat", [f.Node.Node.LogFile]).ConfigureAwait(false);
        if (!log.Stdout.Contains($"{config.Type}[", StringComparison.Ordinal) || !log.Stdout.Contains(pod.ContainerId, StringComparison.Ordinal))
            p.Add($"the log has no line of '{config.Type}' for this ADD: {AddChecks.Tail(log.Stdout, 400)}");
        return Verdict.Of("type names the binary the runtime runs", p);
    }

    /// <summary><c>network</c> is informational: another value changes nothing (the address still comes from the subnet).</summary>
    public static async Task<Verdict> NetworkAsync(FieldForms f)
    {
        var (pod, add, p) = await AddAsync(f, f.With("network", "10.96.0.0/12")).ConfigureAwait(false);
        var address = add.Result?.Ips.FirstOrDefault()?.Address;
        if (address is not null && !Cidr.Parse(TestNode.DefaultSubnet).Contains(Cidr.Parse(address).Address))
            p.Add($"address {address} is not from the subnet {TestNode.DefaultSubnet}");
        if (address is not null && (await PodEth0Async(pod).ConfigureAwait(false))?.Ipv4.All(a => a.Cidr != address) != false)
            p.Add($"the pod's eth0 does not carry {address}");
        return Verdict.Of("network is informational", p);
    }

    public static async Task<Verdict> SubnetAsync(FieldForms f)
    {
        const string subnet = "10.244.7.0/26";
        var (pod, add, p) = await AddAsync(f, f.With("subnet", subnet)).ConfigureAwait(false);
        var address = add.Result?.Ips.FirstOrDefault()?.Address;
        if (address is not null)
        {
            if (!address.StartsWith("10.244.7.", StringComparison.Ordinal) || !address.EndsWith("/26", StringComparison.Ordinal))
                p.Add($"result address {address} is not in {subnet} with its prefix");
            var eth0 = await PodEth0Async(pod).ConfigureAwait(false);
            if (eth0?.Ipv4.Any(a => a.Cidr == address) != true) p.Add($"the pod's eth0 does not carry {address}: {string.Join(", ", eth0?.Ipv4.Select(a => a.Cidr) ?? [])}");
            var bridge = (await NodeLinksAsync(f).ConfigureAwait(false)).FirstOrDefault(l => l.Name == f.Node.Bridge);
            if (bridge?.Ipv4.Any(a => a.Local == "10.244.7.1") != true) p.Add("the bridge does not carry the subnet's gateway 10.244.7.1");
        }
        return Verdict.Of("subnet is where addresses come from", p);
    }

    public static async Task<Verdict> RangeStartAsync(FieldForms f)
    {
        var (pod, add, p) = await AddAsync(f, f.With("rangeStart", "10.244.1.200")).ConfigureAwait(false);
        var address = add.Result?.Ips.FirstOrDefault()?.Address;
        if (address is not null && address != "10.244.1.200/24") p.Add($"the first ADD got {address}, rangeStart is 10.244.1.200");
        if (address is not null && (await PodEth0Async(pod).ConfigureAwait(false))?.Ipv4.Any(a => a.Cidr == address) != true)
            p.Add($"the pod's eth0 does not carry {address}");
        return Verdict.Of("rangeStart is the first address handed out", p);
    }

    public static async Task<Verdict> RangeEndAsync(FieldForms f)
    {
        var config = f.With("rangeEnd", "10.244.1.3");
        var p = new Findings();
        var got = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (_, add) = await f.Node.AddPodAsync(config, expecting: i < 2 ? null : f.Node.Expecting(110)).ConfigureAwait(false);
            if (i < 2)
            {
                if (add.Result?.Ips.FirstOrDefault()?.Address is { } a) got.Add(a);
                else p.SetUp($"ADD {i + 1} failed: {add.Stdout.Trim()}");
            }
            else if (add.Succeeded) p.Add($"a third ADD got {add.Result?.Ips.FirstOrDefault()?.Address} beyond rangeEnd 10.244.1.3");
            else if (f.Node.Profile.Has(PluginProfile.ErrorCodes) && add.Error?.Code != 110) p.Add($"the third ADD failed with {add.Stdout.Trim()}, expected code 110");
        }
        if (p.Count == 0 && !got.SequenceEqual(["10.244.1.2/24", "10.244.1.3/24"])) p.Add($"handed out {string.Join(", ", got)}, expected .2 and .3 (rangeEnd .3)");
        return Verdict.Of("rangeEnd is the last address handed out", p);
    }

    public static async Task<Verdict> GatewayAsync(FieldForms f)
    {
        const string gw = "10.244.1.254";
        var (pod, add, p) = await AddAsync(f, f.With("gateway", gw)).ConfigureAwait(false);
        if (add.Result is { } r)
        {
            if (r.Ips.FirstOrDefault()?.Gateway != gw) p.Add($"result gateway {r.Ips.FirstOrDefault()?.Gateway}, config says {gw}");
            var routes = await pod.RoutesAsync().ConfigureAwait(false);
            if (!routes.Any(x => x.IsDefault && x.Gateway == gw)) p.Add($"the pod has no default route via {gw}: {string.Join("; ", routes)}");
            var bridge = (await NodeLinksAsync(f).ConfigureAwait(false)).FirstOrDefault(l => l.Name == f.Node.Bridge);
            if (bridge?.Ipv4.Any(a => a.Local == gw) != true) p.Add($"the bridge does not carry {gw}");
        }
        return Verdict.Of("gateway is the bridge's address and the pod's default route", p);
    }

    public static async Task<Verdict> RoutesAsync(FieldForms f)
    {
        const string dst = "10.99.0.0/16";
        var (pod, add, p) = await AddAsync(f, f.With("routes", new JsonArray(new JsonObject { ["dst"] = dst }))).ConfigureAwait(false);
        if (add.Result is { } r)
        {
            if (!r.Routes.Any(x => x.Dst == dst)) p.Add($"the result's routes lack {dst}: {string.Join("; ", r.Routes)}");
            var routes = await pod.RoutesAsync().ConfigureAwait(false);
            var gw = r.Ips.FirstOrDefault()?.Gateway;
            if (!routes.Any(x => x.Destination == dst && x.Gateway == gw)) p.Add($"the pod has no route {dst} via {gw}: {string.Join("; ", routes)}");
        }
        return Verdict.Of("routes are set in the pod and returned", p);
    }

    public static async Task<Verdict> DataDirAsync(FieldForms f)
    {
        var dir = f.Node.Node.StateDir + "/field-data";
        var (_, add, p) = await AddAsync(f, f.With("dataDir", dir)).ConfigureAwait(false);
        var ip = add.Result?.Ips.FirstOrDefault()?.Ip.ToString();
        if (ip is not null)
        {
            var there = await ListAsync(f, dir + "/mynet").ConfigureAwait(false);
            if (!there.Split(' ').Contains(ip)) p.Add($"no reservation of {ip} under dataDir {dir}/mynet (it has: {there})");
            var usual = await f.Node.Node.ReservationsAsync("mynet").ConfigureAwait(false);
            if (usual.Count > 0) p.Add($"reservation(s) in the node's default store although dataDir is {dir}: {string.Join(", ", usual.Keys)}");
        }
        return Verdict.Of("dataDir is the store root", p);
    }

    public static async Task<Verdict> LockTimeoutAsync(FieldForms f) =>
        await FaultChecks.HeldLockEndsInCode11Async(f.Node, 1, f.With("lockTimeout", 1)).ConfigureAwait(false);

    public static async Task<Verdict> BridgeAsync(FieldForms f)
    {
        const string bridge = "br-field";
        var (_, add, p) = await AddAsync(f, f.With("bridge", bridge)).ConfigureAwait(false);
        if (add.Result is { } r)
        {
            if (r.Interfaces.FirstOrDefault()?.Name != bridge) p.Add($"the result's first interface is {r.Interfaces.FirstOrDefault()?.Name}, not the bridge {bridge}");
            var links = await NodeLinksAsync(f).ConfigureAwait(false);
            if (!links.Any(l => l.Name == bridge && l.Kind == "bridge")) p.Add($"no bridge {bridge} on the node");
            if (!links.Any(l => l.Kind == "veth" && l.Name != "eth0" && l.Master == bridge)) p.Add($"the host veth is not a port of {bridge}");
        }
        return Verdict.Of("bridge names the bridge the host veth joins", p);
    }

    public static async Task<Verdict> MtuAsync(FieldForms f)
    {
        const int mtu = 1400;
        var (pod, add, p) = await AddAsync(f, f.With("mtu", mtu)).ConfigureAwait(false);
        if (add.Succeeded)
        {
            if ((await PodEth0Async(pod).ConfigureAwait(false))?.Mtu != mtu) p.Add($"the pod's eth0 MTU is not {mtu}");
            var links = await NodeLinksAsync(f).ConfigureAwait(false);
            if (links.FirstOrDefault(l => l.Kind == "veth" && l.Name != "eth0") is { } veth && veth.Mtu != mtu) p.Add($"the host veth's MTU is {veth.Mtu}, not {mtu}");
            if (links.FirstOrDefault(l => l.Name == f.Node.Bridge) is { } br && br.Mtu != mtu) p.Add($"the bridge the plugin created has MTU {br.Mtu}, not {mtu}");
        }
        return Verdict.Of("mtu is set on the bridge and both veth ends", p);
    }

    public static async Task<Verdict> DnsAsync(FieldForms f)
    {
        var dns = new JsonObject { ["nameservers"] = new JsonArray("10.96.0.10"), ["search"] = new JsonArray("svc.cluster.local") };
        var (_, add, p) = await AddAsync(f, f.With("dns", dns)).ConfigureAwait(false);
        if (add.Result is { } r && (!r.Dns.Nameservers.SequenceEqual(["10.96.0.10"]) || !r.Dns.Search.SequenceEqual(["svc.cluster.local"])))
            p.Add($"the result's dns is not the config's: {add.Stdout.Trim()}");
        return Verdict.Of("dns is copied into the result", p);
    }

    public static async Task<Verdict> LogFileAsync(FieldForms f)
    {
        var file = f.Node.Node.StateDir + "/field.log";
        var (pod, _, p) = await AddAsync(f, f.With("logFile", file)).ConfigureAwait(false);
        var log = await f.Node.Runner.RunAsync("cat", [file]).ConfigureAwait(false);
        var line = log.Stdout.Split('\n').FirstOrDefault(l => l.Contains($"ADD id={pod.ContainerId}", StringComparison.Ordinal));
        if (line is null) p.Add($"{file} has no line for the ADD: '{log.Stdout.Trim()}' {log.Stderr.Trim()}");
        // The line names the pod the runtime named in CNI_ARGS (README: "pod=NAMESPACE/NAME"): what the cluster layer
        // finds the pods of a node by.
        else if (!BashCni.Harness.Cluster.PluginLogLines.NamesPod(line, pod.PodName))
            p.Add($"the ADD's line in {file} does not name the pod default/{pod.PodName}: {line}");
        return Verdict.Of("logFile is where the log line goes", p);
    }

    public static async Task<Verdict> LogLevelAsync(FieldForms f)
    {
        var p = new Findings();
        foreach (var (level, stdinLogged) in new[] { ("debug", true), ("info", false) })
        {
            var (pod, add) = await f.Node.AddPodAsync(f.With("logLevel", level)).ConfigureAwait(false);
            if (!add.Succeeded) p.SetUp($"ADD with logLevel {level} failed: {add.Stdout.Trim()}");
            var log = await f.Node.Runner.RunAsync("cat", [f.Node.Node.LogFile]).ConfigureAwait(false);
            var line = log.Stdout.Split('\n').LastOrDefault(l => l.Contains($"ADD id={pod.ContainerId}", StringComparison.Ordinal));
            if (line is null) p.Add($"no log line for the ADD with logLevel {level}");
            else if (line.Contains(" stdin=", StringComparison.Ordinal) != stdinLogged)
                p.Add($"logLevel {level}: the line {(stdinLogged ? "lacks" : "has")} the stdin: {line}");
        }
        return Verdict.Of("logLevel debug adds the call's input to the log line", p);
    }

    public static async Task<Verdict> PrevResultAsync(FieldForms f)
    {
        var config = f.Base();
        var (pod, add, p) = await AddAsync(f, config).ConfigureAwait(false);
        if (add.Result is null) return Verdict.Of("prevResult is what CHECK compares with", p);
        var prev = JsonNode.Parse(add.Stdout)!;
        var same = await f.Node.Plugin.CheckAsync(TestNode.Call(pod, config.PrevResult(prev))).ConfigureAwait(false);
        if (!same.Succeeded) p.Add($"CHECK with the ADD's own result as prevResult failed: {same.Stdout.Trim()}");
        var other = prev.DeepClone();
        other["ips"]![0]!["address"] = "10.244.1.250/24";
        var differs = await f.Node.Plugin.CheckAsync(TestNode.Call(pod, config.PrevResult(other)).ExpectingError()).ConfigureAwait(false);
        if (differs.Succeeded) p.Add("CHECK passed with a prevResult naming another address");
        return Verdict.Of("prevResult is what CHECK compares with", p);
    }

    public static async Task<Verdict> ValidAttachmentsAsync(FieldForms f)
    {
        var config = f.Base();
        var (keep, a, p) = await AddAsync(f, config).ConfigureAwait(false);
        var (_, b, more) = await AddAsync(f, config).ConfigureAwait(false);
        p.AddRange(more);
        var gc = await f.Node.Plugin.GcAsync(TestNode.NoContainer(config.ValidAttachments([(keep.ContainerId, "eth0")]))).ConfigureAwait(false);
        if (!gc.Succeeded) p.Add($"GC failed: {gc.Stdout.Trim()}");
        var left = await f.Node.ReservationsAsync(config).ConfigureAwait(false);
        var ka = a.Result?.Ips.FirstOrDefault()?.Ip.ToString();
        var kb = b.Result?.Ips.FirstOrDefault()?.Ip.ToString();
        if (ka is not null && !left.ContainsKey(ka)) p.Add($"GC released {ka}, which valid-attachments lists");
        if (kb is not null && left.ContainsKey(kb)) p.Add($"GC kept {kb}, which valid-attachments does not list");
        return Verdict.Of("cni.dev/valid-attachments is what GC keeps", p);
    }
}
