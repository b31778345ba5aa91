using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>Results, errors and VERSION answers checked against the CNI schema of each cniVersion.</summary>
[Feature("Result schema per cniVersion")]
[Category(BashCni.Harness.Layers.QuickRun.Category)]
public sealed class VersionAndSchemaTests : IpamTestBase
{
    private static readonly string[] Supported = [.. CniVersions.All];

    [TestCaseSource(nameof(Supported))]
    public async Task AddResultMatchesTheSchemaOfTheConfigVersion(string version)
    {
        var exchange = await AddAsync("ctr-1", Lab(cniVersion: version).Routes(("0.0.0.0/0", "10.244.1.1")));
        var result = exchange.EnsureResult();

        Assert.Multiple(() =>
        {
            Assert.That(CniResultSchema.Validate(exchange.Stdout, version), Is.Empty, exchange.ToString());
            Assert.That(result.CniVersion, Is.EqualTo(version), "the result's cniVersion equals the config's");
            Assert.That(result.FirstIp.Address, Is.EqualTo("10.244.1.2/24"));
            Assert.That(result.FirstIp.Version, CniVersions.HasIpVersionField(version) ? Is.EqualTo("4") : Is.Null);
        });
    }

    [TestCaseSource(nameof(Supported))]
    public async Task ErrorMatchesTheSchemaOfTheConfigVersion(string version)
    {
        var exchange = await AddAsync("ctr-1", Lab("10.244.1.0/32", version));

        var error = AssertCniError(exchange, CniErrorCodes.InvalidNetworkConfig, version);
        Assert.That(error.CniVersion, Is.EqualTo(version));
    }

    [TestCaseSource(nameof(Supported))]
    public async Task VersionEchoesTheConfigVersionAndListsAllSupported(string version)
    {
        var exchange = await Ipam.VersionAsync(Call("", Lab(cniVersion: version)));
        var answer = exchange.EnsureSuccess().Version;

        Assert.Multiple(() =>
        {
            Assert.That(CniResultSchema.ValidateVersion(exchange.Stdout, version), Is.Empty, exchange.ToString());
            Assert.That(answer.CniVersion, Is.EqualTo(version));
            Assert.That(answer.SupportedVersions, Is.EqualTo(Supported));
        });
    }

    [Test]
    public async Task VersionNeedsOnlyCniCommand()
    {
        var call = Call("", Lab()) with
        {
            ExtraEnv = new Dictionary<string, string?>
            {
                ["CNI_CONTAINERID"] = null, ["CNI_NETNS"] = null, ["CNI_IFNAME"] = null, ["CNI_ARGS"] = null, ["CNI_PATH"] = null,
            },
        };

        var exchange = await Ipam.VersionAsync(call);

        Assert.That(exchange.EnsureSuccess().Version.SupportedVersions, Is.EqualTo(Supported));
    }

    [Test]
    public async Task VersionWithoutCniVersionInTheInputAnswers110()
    {
        var exchange = await Ipam.VersionAsync(Call("", Lab()) with { RawStdin = "{}" });

        Assert.That(exchange.EnsureSuccess().Version.CniVersion, Is.EqualTo(CniVersions.V110));
    }

    [Test]
    public async Task KubernetesStyleCniArgsAreAccepted()
    {
        var call = Call("ctr-1", Lab()) with
        {
            Args = CniCall.FormatArgs(("IgnoreUnknown", "1"), ("K8S_POD_NAMESPACE", "default"), ("K8S_POD_NAME", "nginx-worker-1"),
                ("K8S_POD_INFRA_CONTAINER_ID", "ctr-1"), ("K8S_POD_UID", "8e2f5d3c-1111-2222-3333-444455556666")),
        };

        var exchange = await Ipam.AddAsync(call);

        Assert.That(exchange.EnsureResult().FirstIp.Address, Is.EqualTo("10.244.1.2/24"));
    }
}
