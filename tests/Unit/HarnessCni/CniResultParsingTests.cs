using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.HarnessCni;

[Epic("Harness: CNI")]
[Feature("Result parsing")]
[Category("Unit")]
public sealed class CniResultParsingTests
{
    private static readonly string[] Versions = [.. CniVersions.All];

    [TestCaseSource(nameof(Versions))]
    public void ReadsEveryFieldOfAResult(string version)
    {
        var result = CniResult.Parse(ResultSamples.Good(version).ToJsonString());

        Assert.Multiple(() =>
        {
            Assert.That(result.CniVersion, Is.EqualTo(version));
            Assert.That(result.Interfaces.Select(i => i.Name), Is.EqualTo(new[] { "cni0", "veth1a2b3c4d", "eth0" }));
            Assert.That(result.Interfaces[2].Sandbox, Is.EqualTo("/var/run/netns/cni-1234"));
            Assert.That(result.Interfaces[0].IsHostSide, Is.True);
            Assert.That(result.Interfaces[2].IsHostSide, Is.False);
            Assert.That(result.Interfaces[1].Mac, Is.EqualTo("5e:33:aa:01:02:03"));
            Assert.That(result.FirstIp.Address, Is.EqualTo("10.244.1.2/24"));
            Assert.That(result.FirstIp.Ip.ToString(), Is.EqualTo("10.244.1.2"));
            Assert.That(result.FirstIp.AddressCidr.Prefix, Is.EqualTo(24));
            Assert.That(result.FirstIp.Gateway, Is.EqualTo("10.244.1.1"));
            Assert.That(result.FirstIp.Interface, Is.EqualTo(2));
            Assert.That(result.FirstIp.Version, CniVersions.HasIpVersionField(version) ? Is.EqualTo("4") : Is.Null);
            Assert.That(result.FirstIp.Family, Is.EqualTo("4"));
            Assert.That(result.Routes, Is.EqualTo(new[] { new CniRoute("0.0.0.0/0", "10.244.1.1") }));
            Assert.That(result.Dns.Nameservers, Is.EqualTo(new[] { "10.96.0.10" }));
            Assert.That(result.Dns.Domain, Is.EqualTo("cluster.local"));
            Assert.That(result.Dns.Search, Is.EqualTo(new[] { "default.svc.cluster.local" }));
            Assert.That(result.Dns.Options, Is.EqualTo(new[] { "ndots:5" }));
        });
    }

    [TestCaseSource(nameof(Versions))]
    public void ReadsAnIpamResultWithoutInterfaces(string version)
    {
        var result = CniResult.Parse(ResultSamples.Ipam(version).ToJsonString());

        Assert.Multiple(() =>
        {
            Assert.That(result.Interfaces, Is.Empty);
            Assert.That(result.FirstIp.Interface, Is.Null);
            Assert.That(result.Dns.IsEmpty, Is.True);
        });
    }

    [TestCase("{\"cniVersion\":\"0.2.0\",\"ips\":[]}", "0.2.0")]
    [TestCase("{\"ips\":[]}", "cniVersion: missing")]
    [TestCase("{\"cniVersion\":\"0.3.1\",\"code\":7,\"msg\":\"bad\"}", "error")]
    [TestCase("{\"cniVersion\":\"0.3.1\",\"ips\":[{\"gateway\":\"10.0.0.1\"}]}", "ips[0].address: missing")]
    [TestCase("{\"cniVersion\":\"0.3.1\",\"ips\":{}}", "ips: expected an array")]
    [TestCase("[1,2]", "not a JSON object")]
    [TestCase("{oops", "not valid JSON")]
    public void RejectsWhatIsNotAResult(string json, string because) =>
        Assert.That(() => CniResult.Parse(json), Throws.TypeOf<FormatException>().With.Message.Contains(because));

    [Test]
    public void ReadsAnError()
    {
        var error = CniError.Parse("{\"cniVersion\":\"1.0.0\",\"code\":110,\"msg\":\"no IP addresses available in range set: a-b\",\"details\":\"d\"}");

        Assert.Multiple(() =>
        {
            Assert.That(error.CniVersion, Is.EqualTo("1.0.0"));
            Assert.That(error.Code, Is.EqualTo(CniErrorCodes.RangeExhausted));
            Assert.That(error.Msg, Does.StartWith("no IP addresses"));
            Assert.That(error.Details, Is.EqualTo("d"));
            Assert.That(error.ToString(), Does.Contain("110 (address range exhausted)"));
        });
    }

    [TestCase("{\"msg\":\"x\"}")]
    [TestCase("{\"code\":\"7\",\"msg\":\"x\"}")]
    [TestCase("{\"code\":7}")]
    [TestCase("plain text failure")]
    public void RejectsWhatIsNotAnError(string json) =>
        Assert.That(CniError.TryParse(json, out _), Is.False);

    [Test]
    public void ReadsAVersionAnswer()
    {
        var answer = VersionResult.Parse("{\"cniVersion\":\"0.4.0\",\"supportedVersions\":[\"0.3.1\",\"0.4.0\"]}");

        Assert.Multiple(() =>
        {
            Assert.That(answer.CniVersion, Is.EqualTo("0.4.0"));
            Assert.That(answer.Supports("0.3.1"), Is.True);
            Assert.That(answer.Supports("1.0.0"), Is.False);
            Assert.That(() => VersionResult.Parse("{\"cniVersion\":\"0.4.0\"}"), Throws.TypeOf<FormatException>());
        });
    }

    [TestCase("0.3.0", "0.3.1", -1)]
    [TestCase("0.4.0", "0.3.1", 1)]
    [TestCase("1.0.0", "0.4.0", 1)]
    [TestCase("1.1.0", "1.1.0", 0)]
    [TestCase("0.10.0", "0.9.0", 1)]
    public void OrdersVersionsNumerically(string a, string b, int sign) =>
        Assert.That(Math.Sign(CniVersions.Compare(a, b)), Is.EqualTo(sign));
}
