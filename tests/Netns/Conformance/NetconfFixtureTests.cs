using BashCni.Harness;
using BashCni.Harness.Cni;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Conformance;

/// <summary>Every config in fixtures/netconf works for ADD and DEL with the plugin it names.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class NetconfFixtureTests
{
    public static IEnumerable<string> Files =>
        Directory.GetFiles(RepoPaths.Fixture("netconf"), "*.conf").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [TestCaseSource(nameof(Files))]
    public Task NetconfAddsAndDeletesAPod(string file) => TestNode.RunAsync(async node =>
    {
        var config = await NetworkConfig.LoadAsync(RepoPaths.Fixture("netconf", file));
        if (!File.Exists(Path.Combine(node.Profile.PluginDir, config.Type)))
            Assert.Ignore($"{file} is for plugin type '{config.Type}', not in {node.Profile.PluginDir} (profile '{node.Profile.Name}')");
        config = config.DataDir(node.Node.DataDir);
        if (config.Type == "bash-cni") config = config.LogFile(node.Node.LogFile);
        var subnet = Cidr.Parse(config.Subnet ?? throw new FormatException($"{file}: no subnet"));
        var plugin = new CniPlugin(node.Profile.PluginDir, config.Type, node.Runner) { NodeNetNs = node.Node.Name };
        var pod = await node.CreatePodAsync();
        var add = await plugin.AddAsync(TestNode.Call(pod, config));
        var result = add.EnsureResult();
        Assert.That(CniResultSchema.Validate(add.Stdout, config.CniVersion, requireInterfaces: true), Is.Empty, add.Stdout);
        var eth0 = await pod.LinkAsync("eth0");
        Assert.That(eth0?.Ipv4.Select(a => a.Cidr), Does.Contain(result.FirstIp.Address), "the pod does not have the address of the result");
        Assert.That(subnet.Contains(result.FirstIp.Ip), Is.True, $"{result.FirstIp.Address} is outside {subnet}");
        if (config.GetIpamField("rangeStart") is { } start && config.GetIpamField("rangeEnd") is { } end)
        {
            var ip = Cidr.ToUInt32(result.FirstIp.Ip);
            Assert.That(ip, Is.InRange(Cidr.ToUInt32(Cidr.ParseIPv4(start.GetValue<string>())), Cidr.ToUInt32(Cidr.ParseIPv4(end.GetValue<string>()))),
                "address outside rangeStart..rangeEnd");
        }
        (await plugin.DelAsync(TestNode.Call(pod, config))).EnsureSuccess();
        Assert.That(await node.ReservationsAsync(config), Is.Empty, "DEL left the address reserved");
    });
}
