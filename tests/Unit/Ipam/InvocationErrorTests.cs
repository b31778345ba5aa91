using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>Bad environment, bad stdin, unsupported versions and I/O failures: each a CNI error JSON on stdout with its code.</summary>
[Feature("Errors")]
public sealed class InvocationErrorTests : IpamTestBase
{
    [TestCase("{")]
    [TestCase("{\"cniVersion\":\"0.3.1\",")]
    [TestCase("not json at all")]
    [TestCase("")]
    public async Task MalformedConfigIsCode6(string stdin)
    {
        var exchange = await Ipam.AddAsync(Call("ctr-1", Lab()) with { RawStdin = stdin });

        var error = exchange.ExpectError(CniErrorCodes.DecodingFailure);
        Assert.Multiple(() =>
        {
            Assert.That(exchange.ExitCode, Is.EqualTo(1));
            Assert.That(error.Msg, Is.Not.Empty);
            Assert.That(Reservations(), Is.Empty);
        });
    }

    [TestCase("0.1.0")]
    [TestCase("0.2.0")]
    [TestCase("2.0.0")]
    [TestCase("banana")]
    public async Task UnsupportedCniVersionIsCode1(string version)
    {
        var exchange = await AddAsync("ctr-1", Lab().Version(version));

        exchange.ExpectError(CniErrorCodes.IncompatibleVersion);
        Assert.That(Reservations(), Is.Empty);
    }

    [TestCase(CniVersions.V030)]
    [TestCase(CniVersions.V031)]
    public async Task CheckBeforeVersion040IsCode1(string version)
    {
        var config = Lab(cniVersion: version);
        await AllocateAsync("ctr-1", config);

        AssertCniError(await Ipam.CheckAsync(Call("ctr-1", config)), CniErrorCodes.IncompatibleVersion, version);
    }

    [TestCase("FOO")]
    [TestCase("add")]
    [TestCase("")]
    public async Task UnknownCommandIsCode4(string command)
    {
        var exchange = await Ipam.InvokeAsync(command, Call("ctr-1", Lab()));

        var error = AssertCniError(exchange, CniErrorCodes.InvalidEnvironmentVariables, anyKnownVersion: true);
        Assert.That(error.Msg, Does.Contain("CNI_COMMAND"));
    }

    [TestCase(CniCommand.Add, "CNI_CONTAINERID")]
    [TestCase(CniCommand.Add, "CNI_IFNAME")]
    [TestCase(CniCommand.Add, "CNI_COMMAND")]
    [TestCase(CniCommand.Del, "CNI_CONTAINERID")]
    [TestCase(CniCommand.Del, "CNI_IFNAME")]
    public async Task MissingVariableIsCode4NamingIt(string command, string variable)
    {
        var exchange = await Ipam.InvokeAsync(command, Call("ctr-1", Lab()).WithEnv(variable, null));

        var error = AssertCniError(exchange, CniErrorCodes.InvalidEnvironmentVariables, anyKnownVersion: variable == "CNI_COMMAND");
        Assert.That(error.Msg + " " + error.Details, Does.Contain(variable));
    }

    [Test]
    public async Task EveryMissingVariableIsNamed()
    {
        var call = Call("ctr-1", Lab()).WithEnv("CNI_CONTAINERID", null).WithEnv("CNI_IFNAME", null);

        var error = AssertCniError(await Ipam.AddAsync(call), CniErrorCodes.InvalidEnvironmentVariables);

        Assert.That(error.Msg + " " + error.Details, Does.Contain("CNI_CONTAINERID").And.Contain("CNI_IFNAME"));
    }

    [TestCase("-leading-dash", "eth0")]
    [TestCase("has/slash", "eth0")]
    [TestCase("has space", "eth0")]
    [TestCase("ctr-1", "eth0/x")]
    [TestCase("ctr-1", "ifname-too-long-x")]
    [TestCase("ctr-1", "..")]
    [TestCase("ctr-1", "eth:0")]
    public async Task InvalidContainerIdOrIfNameIsCode4(string id, string ifname)
    {
        var exchange = await Ipam.AddAsync(new CniCall(id, "/var/run/netns/x", ifname, Lab()));

        AssertCniError(exchange, CniErrorCodes.InvalidEnvironmentVariables);
        Assert.That(Reservations(), Is.Empty);
    }

    [Test]
    public async Task UnwritableDataDirIsCode5()
    {
        // A regular file where a directory is needed stops mkdir even for root (chmod would not).
        var blocker = Path.Combine(TempRoot, "blocker");
        await File.WriteAllTextAsync(blocker, "not a directory");
        var config = Lab().DataDir(Path.Combine(blocker, "data"));

        var exchange = await AddAsync("ctr-1", config);

        var error = AssertCniError(exchange, CniErrorCodes.IoFailure);
        Assert.That(error.Msg, Is.Not.Empty);
    }

    [Test]
    public async Task StoreDirectoryReplacedByAFileIsCode5()
    {
        Directory.CreateDirectory(DataDir);
        await File.WriteAllTextAsync(StoreDir, "the store path is a file");

        AssertCniError(await AddAsync("ctr-1"), CniErrorCodes.IoFailure);
    }
}
