using System.Text.Json.Nodes;
using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.HarnessCni;

[Epic("Harness: CNI")]
[Feature("Result schema check")]
[Category("Unit")]
[Category(BashCni.Harness.Layers.QuickRun.Category)]
public sealed class CniResultSchemaTests
{
    private static readonly string[] Versions = [.. CniVersions.All];

    [TestCaseSource(nameof(Versions))]
    public void GoodInterfaceResultIsValid(string version) =>
        Assert.That(CniResultSchema.Validate(ResultSamples.Good(version).ToJsonString(), version, requireInterfaces: true), Is.Empty);

    [TestCaseSource(nameof(Versions))]
    public void GoodIpamResultIsValid(string version) =>
        Assert.That(CniResultSchema.Validate(ResultSamples.Ipam(version).ToJsonString(), version), Is.Empty);

    [Test]
    public void Version110AcceptsItsNewFields()
    {
        var json = ResultSamples.Good(CniVersions.V110);
        json["interfaces"]![2]!["mtu"] = 1450;
        json["interfaces"]![2]!["socketPath"] = "/run/x.sock";
        json["routes"]![0]!["priority"] = 100;
        json["routes"]![0]!["table"] = 254;

        Assert.That(CniResultSchema.Validate(json.ToJsonString(), CniVersions.V110), Is.Empty);
    }

    [TestCase(CniVersions.V031)]
    [TestCase(CniVersions.V100)]
    public void Ipv6AddressesAreValid(string version)
    {
        var json = ResultSamples.Ipam(version);
        json["ips"]![0]!["address"] = "fd00:10:244:1::2/64";
        json["ips"]![0]!["gateway"] = "fd00:10:244:1::1";
        if (CniVersions.HasIpVersionField(version)) json["ips"]![0]!["version"] = "6";

        Assert.That(CniResultSchema.Validate(json.ToJsonString(), version), Is.Empty);
    }

    /// <summary>(version, what to break, a phrase the problem list must contain).</summary>
    [TestCase("0.3.1", "cniVersion=0.4.0", "but the config asked for '0.3.1'")]
    [TestCase("1.0.0", "cniVersion=0.3.1", "but the config asked for '1.0.0'")]
    [TestCase("0.3.1", "cniVersion=0.9.9", "is not one of")]
    [TestCase("0.3.1", "cniVersion=-", "cniVersion: missing")]
    [TestCase("0.3.1", "cniVersion=#", "cniVersion: expected a string")]
    [TestCase("1.0.0", "ips.version=4", "ips[0].version: must be absent in cniVersion 1.0.0")]
    [TestCase("1.1.0", "ips.version=4", "ips[0].version: must be absent in cniVersion 1.1.0")]
    [TestCase("0.3.0", "ips.version=-", "ips[0].version: missing")]
    [TestCase("0.4.0", "ips.version=-", "ips[0].version: missing")]
    [TestCase("0.3.1", "ips.version=6", "does not match the IPv4 address")]
    [TestCase("0.3.1", "ips.version=v4", "must be \"4\" or \"6\"")]
    [TestCase("0.3.1", "ips.address=10.244.1.300/24", "ips[0].address: '10.244.1.300/24'")]
    [TestCase("1.0.0", "ips.address=10.244.1.2", "ips[0].address: '10.244.1.2' is not an address in CIDR form")]
    [TestCase("1.0.0", "ips.address=10.244.1.2/40", "ips[0].address")]
    [TestCase("1.0.0", "ips.address=-", "ips[0].address: missing")]
    [TestCase("1.0.0", "ips.address=#", "ips[0].address: expected a string")]
    [TestCase("0.3.1", "ips.gateway=10.244.1", "ips[0].gateway: '10.244.1' is not an IP address")]
    [TestCase("1.0.0", "ips.gateway=fd00::1", "is not of the address's family")]
    [TestCase("0.3.1", "ips.interface=3", "ips[0].interface: index 3 is out of range (interfaces has 3 entries)")]
    [TestCase("1.0.0", "ips.interface=-1", "index -1 is out of range")]
    [TestCase("1.0.0", "ips.interface=#", "ips[0].interface: expected an integer")]
    [TestCase("0.4.0", "ips.mtu=1500", "ips[0].mtu: unexpected field")]
    [TestCase("0.3.1", "interfaces.mac=0a:58:0a:f4:01", "interfaces[0].mac: '0a:58:0a:f4:01' is not a MAC address")]
    [TestCase("1.0.0", "interfaces.mac=0a-58-0a-f4-01-01", "interfaces[0].mac")]
    [TestCase("1.0.0", "interfaces.mac=0a:58:0a:f4:01:0g", "interfaces[0].mac")]
    [TestCase("0.4.0", "interfaces.name=a-very-long-interface", "interfaces[0].name")]
    [TestCase("0.4.0", "interfaces.name=-", "interfaces[0].name: missing")]
    [TestCase("0.4.0", "interfaces.mtu=1500", "interfaces[0].mtu: unexpected field in cniVersion 0.4.0")]
    [TestCase("1.0.0", "interfaces.mtu=1500", "interfaces[0].mtu: unexpected field in cniVersion 1.0.0")]
    [TestCase("0.3.1", "routes.dst=default", "routes[0].dst: 'default' is not a CIDR")]
    [TestCase("0.3.1", "routes.gw=10.244.1.1.1", "routes[0].gw")]
    [TestCase("1.0.0", "routes.priority=5", "routes[0].priority: unexpected field")]
    [TestCase("0.3.1", "dns.nameservers=ns1", "dns.nameservers[0]: 'ns1' is not an IP address")]
    [TestCase("0.3.1", "dns=#", "dns: expected an object")]
    [TestCase("0.3.1", "dns.nameserver=x", "dns.nameserver: unexpected field")]
    [TestCase("1.1.0", "extra=1", "extra: unexpected field in cniVersion 1.1.0")]
    [TestCase("1.1.0", "ips=-", "ips: missing")]
    [TestCase("1.1.0", "ips=[]", "ips: empty")]
    [TestCase("0.3.1", "interfaces=-", "interfaces: missing")]
    public void BadResultIsReportedClearly(string version, string breakage, string expected)
    {
        var json = ResultSamples.Good(version);
        Break(json, breakage);

        var problems = CniResultSchema.Validate(json.ToJsonString(), version, requireInterfaces: true);

        Assert.That(problems, Has.Some.Contains(expected), string.Join("\n", problems));
    }

    [TestCase("", "output is empty")]
    [TestCase("not json", "not valid JSON")]
    [TestCase("[]", "not a JSON object")]
    [TestCase("{\"cniVersion\":\"0.3.1\",\"code\":7,\"msg\":\"x\"}", "this is an error object")]
    public void NonResultsAreReported(string json, string expected) =>
        Assert.That(CniResultSchema.Validate(json, "0.3.1"), Has.Some.Contains(expected));

    [Test]
    public void AssertValidListsEveryProblem()
    {
        var json = ResultSamples.Good(CniVersions.V100);
        Break(json, "ips.version=4");
        Break(json, "interfaces.mac=zz");

        Assert.That(() => CniResultSchema.AssertValid(json.ToJsonString(), CniVersions.V100),
            Throws.TypeOf<FormatException>().With.Message.Contains("ips[0].version").And.Message.Contains("interfaces[0].mac"));
    }

    [TestCase("{\"cniVersion\":\"0.3.1\",\"code\":7,\"msg\":\"bad subnet\",\"details\":\"\"}", null)]
    [TestCase("{\"cniVersion\":\"0.3.1\",\"code\":7,\"msg\":\"bad subnet\"}", null)]
    [TestCase("{\"cniVersion\":\"0.3.1\",\"msg\":\"bad\"}", "code: missing")]
    [TestCase("{\"cniVersion\":\"0.3.1\",\"code\":\"7\",\"msg\":\"bad\"}", "code: expected an integer")]
    [TestCase("{\"cniVersion\":\"0.3.1\",\"code\":0,\"msg\":\"bad\"}", "not a positive error code")]
    [TestCase("{\"cniVersion\":\"0.3.1\",\"code\":7}", "msg: missing")]
    [TestCase("{\"cniVersion\":\"0.3.1\",\"code\":7,\"msg\":\"\"}", "msg: empty")]
    [TestCase("{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"x\"}", "but the config asked for '0.3.1'")]
    [TestCase("{\"cniVersion\":\"0.3.1\",\"code\":7,\"msg\":\"x\",\"reason\":\"y\"}", "reason: unexpected field")]
    public void ErrorObjectsAreChecked(string json, string? expected)
    {
        var problems = CniResultSchema.ValidateError(json, "0.3.1");

        Assert.That(problems, expected is null ? Is.Empty : Has.Some.Contains(expected));
    }

    [TestCase("{\"cniVersion\":\"0.3.1\",\"supportedVersions\":[\"0.3.0\",\"0.3.1\"]}", null)]
    [TestCase("{\"cniVersion\":\"0.3.1\",\"supportedVersions\":[]}", "supportedVersions: empty")]
    [TestCase("{\"cniVersion\":\"0.3.1\"}", "supportedVersions: missing")]
    [TestCase("{\"cniVersion\":\"0.3.1\",\"supportedVersions\":[\"latest\"]}", "is not a version string")]
    public void VersionAnswersAreChecked(string json, string? expected)
    {
        var problems = CniResultSchema.ValidateVersion(json, "0.3.1");

        Assert.That(problems, expected is null ? Is.Empty : Has.Some.Contains(expected));
    }

    /// <summary>"path=value": path is a top-level key or "list.field" (first element); value "-" removes, "#" sets a wrong type.</summary>
    private static void Break(JsonObject json, string breakage)
    {
        var eq = breakage.IndexOf('=', StringComparison.Ordinal);
        var path = breakage[..eq].Split('.');
        var value = breakage[(eq + 1)..];
        var target = path.Length == 1 ? json : (JsonObject)(json[path[0]] is JsonArray a ? a[0]! : json[path[0]]!);
        var key = path[^1];
        switch (value)
        {
            case "-":
                target.Remove(key);
                break;
            case "#":
                target[key] = new JsonArray(1, 2);
                break;
            case "[]":
                target[key] = new JsonArray();
                break;
            case var _ when key == "nameservers":
                target[key] = new JsonArray(value);
                break;
            default:
                target[key] = int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var n) && key is not ("version" or "cniVersion")
                    ? JsonValue.Create(n)
                    : JsonValue.Create(value);
                break;
        }
    }
}
