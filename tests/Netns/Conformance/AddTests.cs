using BashCni.Harness.Layers;
using System.Globalization;
using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Conformance;

/// <summary>ADD for every cniVersion: result schema and values against the kernel; repeated ADD.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class AddTests
{
    public static IEnumerable<string> Versions => CniVersions.All;

    [Category(QuickRun.Category)]
    [TestCaseSource(nameof(Versions))]
    public Task AddResultMatchesTheKernel(string cniVersion) => TestNode.RunAsync(async node =>
    {
        node.Profile.RequireVersion(cniVersion);
        var (verdict, pod, add) = await AddChecks.AddMatchesKernelAsync(node, cniVersion);
        verdict.AssertPassed();
        var del = await node.Plugin.DelAsync(TestNode.Call(pod, node.Config(cniVersion)));
        Assert.That(del.ExitCode, Is.Zero, del.ToString());
        Assert.That(await node.ReservationsAsync(node.Config(cniVersion)), Is.Empty, "DEL left the address reserved");
    });

    [TestCase("10.244.0.0/23")]
    [TestCase("10.244.1.16/28")]
    [TestCase("10.244.128.0/17")]
    public Task AddWorksForPrefixLengthsOtherThan24(string subnet) => TestNode.RunAsync(async node =>
    {
        var (verdict, pod, _) = await AddChecks.AddMatchesKernelAsync(node, node.Profile.NewestVersion, subnet);
        verdict.AssertPassed();
        var del = await node.Plugin.DelAsync(TestNode.Call(pod, node.Config(subnet: subnet)));
        Assert.That(del.ExitCode, Is.Zero, del.ToString());
    });

    [TestCaseSource(nameof(Versions))]
    public Task RepeatedAddIsRejectedAndChangesNothing(string cniVersion) => TestNode.RunAsync(async node =>
    {
        node.Profile.RequireVersion(cniVersion);
        (await AddChecks.RepeatedAddIsRejectedAsync(node, cniVersion)).AssertPassed();
    });

    /// <summary>
    /// CNI_NETNS as runtimes other than containerd pass it: <c>/proc/&lt;pid&gt;/ns/net</c> of a process in the pod, and a
    /// bind mount of the namespace at a path with blanks (which one <c>ip -batch</c> line cannot carry). ADD configures
    /// the pod as for <c>/var/run/netns/&lt;name&gt;</c>; DEL removes it.
    /// </summary>
    [TestCase("proc-pid")]
    [TestCase("path-with-blanks")]
    public Task AddWorksForOtherNamespacePaths(string form) => TestNode.RunAsync(async node =>
    {
        var config = node.Config();
        var pod = await node.CreatePodAsync("path");
        int? holder = null;
        string? bind = null;
        string path;
        if (form == "proc-pid")
        {
            // The holder says so once it is inside the pod's namespace (through a FIFO): before that, its
            // /proc/PID/ns/net is still the node's. It runs until it is stopped below, never for a time.
            var start = await node.Runner.RunCheckedAsync("bash", ["-c", """
                set -euo pipefail
                mkdir -p "$2"
                ready="$2/holder.ready"
                rm -f "$ready"; mkfifo "$ready"
                # shellcheck disable=SC2016  # $0 belongs to the inner bash
                nsenter --net="$1" bash -c 'echo in >"$0"; exec sleep infinity' "$ready" </dev/null >/dev/null 2>&1 &
                pid=$!
                IFS= read -r _ <"$ready"
                rm -f "$ready"
                echo "$pid"
                """, "hold", pod.Path, node.Node.StateDir]);
            holder = int.Parse(start.Stdout.Trim(), CultureInfo.InvariantCulture);
            path = $"/proc/{holder}/ns/net";
        }
        else
        {
            bind = node.Node.StateDir + "/pod ns/net ns";
            await node.Runner.RunCheckedAsync("bash",
                ["-c", "mkdir -p \"${1%/*}\" && : > \"$1\" && mount --bind \"$2\" \"$1\"", "bind", bind, pod.Path]);
            path = bind;
        }
        try
        {
            var call = TestNode.Call(pod, config) with { NetNs = path };
            var ip = (await node.Plugin.AddAsync(call)).EnsureResult().FirstIp;
            var addr = await pod.ExecAsync("ip", ["-4", "-o", "addr", "show", "dev", "eth0"]);
            var route = await pod.ExecAsync("ip", ["route", "show", "default"]);
            Assert.Multiple(() =>
            {
                Assert.That(addr.Stdout, Does.Contain($" {ip.Address} "), "the pod's eth0 lacks the result's address");
                Assert.That(route.Stdout, Does.StartWith("default via " + ip.Gateway), "the pod has no default route via the gateway");
            });
            (await node.Plugin.DelAsync(call)).EnsureSuccess();
            Assert.That(await node.HostVethsAsync(), Is.Empty, "DEL left the host veth");
            Assert.That(await node.ReservationsAsync(config), Is.Empty, "DEL left the address reserved");
        }
        finally
        {
            if (holder is int pid)
                await node.Runner.RunAsync("bash", ["-c", "kill \"$1\"; for _ in $(seq 100); do kill -0 \"$1\" 2>/dev/null || exit 0; sleep 0.05; done",
                    "stop", pid.ToString(CultureInfo.InvariantCulture)]);
            if (bind is not null) await node.Runner.RunAsync("bash", ["-c", "umount \"$1\"; rm -rf \"${1%/*}\"", "unbind", bind]);
        }
    });

    [Test]
    public Task TwoPodsOnOneNodeGetDistinctAddressesOnOneBridge() => TestNode.RunAsync(async node =>
    {
        var config = node.Config();
        var (a, addA) = await node.AddPodAsync(config, "a");
        var (b, addB) = await node.AddPodAsync(config, "b");
        var ipA = addA.EnsureResult().FirstIp;
        var ipB = addB.EnsureResult().FirstIp;
        var veths = await node.HostVethsAsync();
        Assert.Multiple(() =>
        {
            Assert.That(ipA.Address, Is.Not.EqualTo(ipB.Address));
            Assert.That(veths, Has.Count.EqualTo(2));
            Assert.That(veths.Select(v => v.Master), Is.All.EqualTo(node.Bridge));
        });
        // Same bridge, FORWARD policy ACCEPT in a fresh namespace: the pods reach each other.
        var ping = await a.ExecAsync("ping", ["-c", "1", "-W", "2", ipB.Ip.ToString()]);
        Assert.That(ping.ExitCode, Is.Zero, "pod a cannot reach pod b on the same bridge:\n" + ping);
        foreach (var (pod, _) in new[] { (a, addA), (b, addB) })
            (await node.Plugin.DelAsync(TestNode.Call(pod, config))).EnsureSuccess();
    });
}
