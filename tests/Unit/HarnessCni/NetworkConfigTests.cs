using System.Text.Json.Nodes;
using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.HarnessCni;

[Epic("Harness: CNI")]
[Feature("Network config builder")]
[Category("Unit")]
public sealed class NetworkConfigTests
{
    [Test]
    public void LabFormIsTheLabsConfig() =>
        Assert.That(NetworkConfig.Lab("10.244.1.0/24").ToJson(),
            Is.EqualTo("{\"cniVersion\":\"0.3.1\",\"name\":\"mynet\",\"type\":\"bash-cni\",\"network\":\"10.244.0.0/16\",\"subnet\":\"10.244.1.0/24\"}"));

    [Test]
    public void IpamFormNestsTheIpamSection() =>
        Assert.That(NetworkConfig.WithIpam("host-local", "10.244.2.0/24", name: "net2", cniVersion: "1.0.0", type: "bridge").ToJson(),
            Is.EqualTo("{\"cniVersion\":\"1.0.0\",\"name\":\"net2\",\"type\":\"bridge\",\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.244.2.0/24\"}}"));

    [Test]
    public void IpamFieldsLandWhereTheFormKeepsThem()
    {
        var lab = NetworkConfig.Lab("10.244.1.0/24").DataDir("/tmp/d").RangeStart("10.244.1.10").LockTimeout(3);
        var standard = NetworkConfig.WithIpam("bash-cni-ipam", "10.244.1.0/24").DataDir("/tmp/d").RangeStart("10.244.1.10").LockTimeout(3);

        Assert.Multiple(() =>
        {
            Assert.That(lab["dataDir"]?.GetValue<string>(), Is.EqualTo("/tmp/d"));
            Assert.That(lab["lockTimeout"]?.GetValue<int>(), Is.EqualTo(3));
            Assert.That(standard["dataDir"], Is.Null);
            Assert.That(standard["ipam"]?["dataDir"]?.GetValue<string>(), Is.EqualTo("/tmp/d"));
            Assert.That(standard["ipam"]?["rangeStart"]?.GetValue<string>(), Is.EqualTo("10.244.1.10"));
            Assert.That(standard.DataDirPath, Is.EqualTo("/tmp/d"));
            Assert.That(lab.DataDirPath, Is.EqualTo("/tmp/d"));
        });
    }

    [Test]
    public void FluentCallsLeaveTheOriginalUntouched()
    {
        var base1 = NetworkConfig.Lab("10.244.1.0/24");
        var json = base1.ToJson();

        var derived = base1.Version("1.1.0").Named("other").LogFile("/tmp/x.log").With("extra", 1).Without("network");

        Assert.Multiple(() =>
        {
            Assert.That(base1.ToJson(), Is.EqualTo(json));
            Assert.That(derived.CniVersion, Is.EqualTo("1.1.0"));
            Assert.That(derived.Name, Is.EqualTo("other"));
            Assert.That(derived["logFile"]?.GetValue<string>(), Is.EqualTo("/tmp/x.log"));
            Assert.That(derived["network"], Is.Null);
        });
    }

    [Test]
    public void ReportsTypeSubnetAndIpamType()
    {
        var ranges = new JsonArray(new JsonArray(new JsonObject { ["subnet"] = "10.244.3.0/24" }));
        var hostLocal = NetworkConfig.WithIpam("host-local", "x").WithoutIpamField("subnet").WithIpamField("ranges", ranges);

        Assert.Multiple(() =>
        {
            Assert.That(NetworkConfig.Lab("10.244.1.0/24").Subnet, Is.EqualTo("10.244.1.0/24"));
            Assert.That(NetworkConfig.Lab("10.244.1.0/24").HasIpamSection, Is.False);
            Assert.That(NetworkConfig.Lab("10.244.1.0/24").Type, Is.EqualTo("bash-cni"));
            Assert.That(hostLocal.Subnet, Is.EqualTo("10.244.3.0/24"));
            Assert.That(hostLocal.IpamType, Is.EqualTo("host-local"));
            Assert.That(hostLocal.HasIpamSection, Is.True);
        });
    }

    [Test]
    public void RoutesGcAttachmentsAndPrevResultHaveTheSpecShape()
    {
        var config = NetworkConfig.Lab("10.244.1.0/24")
            .Routes(("0.0.0.0/0", "10.244.1.1"), ("10.96.0.0/12", null))
            .ValidAttachments([("c1", "eth0")])
            .PrevResult("{\"cniVersion\":\"0.3.1\",\"ips\":[]}");

        var json = JsonNode.Parse(config.ToJson())!;

        Assert.Multiple(() =>
        {
            Assert.That(json["routes"]!.ToJsonString(), Is.EqualTo("[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.244.1.1\"},{\"dst\":\"10.96.0.0/12\"}]"));
            Assert.That(json["cni.dev/valid-attachments"]!.ToJsonString(), Is.EqualTo("[{\"containerID\":\"c1\",\"ifname\":\"eth0\"}]"));
            Assert.That(json["prevResult"]!["cniVersion"]!.GetValue<string>(), Is.EqualTo("0.3.1"));
        });
    }

    [Test]
    public void ParseTakesObjectsOnly()
    {
        Assert.Multiple(() =>
        {
            Assert.That(NetworkConfig.Parse("{\"cniVersion\":\"0.4.0\",\"name\":\"n\"}").CniVersion, Is.EqualTo("0.4.0"));
            Assert.That(() => NetworkConfig.Parse("[1]"), Throws.TypeOf<FormatException>());
        });
    }
}
