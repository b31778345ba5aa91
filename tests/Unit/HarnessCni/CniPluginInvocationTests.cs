using BashCni.Harness.Cni;
using BashCni.Harness.Sandbox;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.HarnessCni;

/// <summary>What <see cref="CniPlugin"/> hands a plugin and how it reads the answer, checked with small script plugins.</summary>
[Epic("Harness: CNI")]
[Feature("Plugin invocation")]
[Category("Unit")]
public sealed class CniPluginInvocationTests
{
    private string _dir = null!;

    [SetUp]
    public void CreatePluginDir() => _dir = Directory.CreateTempSubdirectory("bashcni-fake-plugin-").FullName;

    [TearDown]
    public void DeletePluginDir() => Directory.Delete(_dir, recursive: true);

    private CniPlugin Script(string name, string body)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/usr/bin/env bash\nset -euo pipefail\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new CniPlugin(_dir, name, LocalRunner.Instance);
    }

    private static CniCall Call(string id = "ctr-1") => new(id, "/var/run/netns/x", "eth0", NetworkConfig.Lab("10.244.1.0/24"));

    [Test]
    public async Task PassesTheCniEnvironmentAndTheConfigOnStdin()
    {
        var plugin = Script("recorder", """
            dir="$(dirname "$0")"
            cat >"$dir/stdin.txt"
            env | grep '^CNI_' | sort >"$dir/env.txt"
            printf '{"cniVersion":"0.3.1","ips":[{"version":"4","address":"10.244.1.9/24"}]}'
            """);
        var call = Call() with { Args = "K8S_POD_NAME=p;IgnoreUnknown=1" };

        var exchange = await plugin.AddAsync(call);

        Assert.Multiple(() =>
        {
            Assert.That(exchange.EnsureResult().FirstIp.Address, Is.EqualTo("10.244.1.9/24"));
            Assert.That(File.ReadAllText(Path.Combine(_dir, "stdin.txt")), Is.EqualTo(call.Config.ToJson()));
            Assert.That(File.ReadAllLines(Path.Combine(_dir, "env.txt")), Is.EqualTo(new[]
            {
                "CNI_ARGS=K8S_POD_NAME=p;IgnoreUnknown=1",
                "CNI_COMMAND=ADD",
                "CNI_CONTAINERID=ctr-1",
                "CNI_IFNAME=eth0",
                "CNI_NETNS=/var/run/netns/x",
                $"CNI_PATH={_dir}",
            }));
            Assert.That(exchange.Command, Is.EqualTo("ADD"));
            Assert.That(exchange.Env["CNI_CONTAINERID"], Is.EqualTo("ctr-1"));
        });
    }

    [Test]
    public async Task NullNetnsIsSentEmptyAndExtraEnvOverridesOrRemoves()
    {
        var plugin = Script("recorder", """
            printf '%s|%s|%s|%s' "${CNI_NETNS-unset}" "${CNI_IFNAME-unset}" "${CNI_PATH-unset}" "${EXTRA-unset}" >&2
            """);
        plugin.CniPath = "/opt/cni/bin:/x";
        var call = new CniCall("ctr-1", null, "eth0", NetworkConfig.Lab("10.244.1.0/24")).WithEnv("CNI_IFNAME", null).WithEnv("EXTRA", "yes");

        var exchange = await plugin.DelAsync(call);

        Assert.That(exchange.Stderr, Is.EqualTo("|unset|/opt/cni/bin:/x|yes"));
    }

    [TestCase(CniCommand.Add)]
    [TestCase(CniCommand.Del)]
    [TestCase(CniCommand.Check)]
    [TestCase(CniCommand.Version)]
    [TestCase(CniCommand.Status)]
    [TestCase(CniCommand.Gc)]
    public async Task EachMethodSendsItsCommand(string command)
    {
        var plugin = Script("echo-command", "printf '%s' \"$CNI_COMMAND\" >&2");

        var exchange = command switch
        {
            CniCommand.Add => await plugin.AddAsync(Call()),
            CniCommand.Del => await plugin.DelAsync(Call()),
            CniCommand.Check => await plugin.CheckAsync(Call()),
            CniCommand.Version => await plugin.VersionAsync(Call()),
            CniCommand.Status => await plugin.StatusAsync(Call()),
            _ => await plugin.GcAsync(Call()),
        };

        Assert.That(exchange.Stderr, Is.EqualTo(command));
    }

    [Test]
    public async Task ErrorJsonOnStdoutBecomesATypedError()
    {
        var plugin = Script("failing", """
            printf '{"cniVersion":"0.3.1","code":7,"msg":"invalid subnet","details":"x/33"}'
            exit 1
            """);

        var exchange = await plugin.AddAsync(Call());

        Assert.Multiple(() =>
        {
            Assert.That(exchange.Succeeded, Is.False);
            Assert.That(exchange.Result, Is.Null);
            Assert.That(exchange.Error, Is.EqualTo(new CniError("0.3.1", 7, "invalid subnet", "x/33") { Json = exchange.Stdout }));
            Assert.That(exchange.ExpectError(CniErrorCodes.InvalidNetworkConfig).Msg, Is.EqualTo("invalid subnet"));
            Assert.That(() => exchange.ExpectError(CniErrorCodes.IoFailure), Throws.TypeOf<CniProtocolException>().With.Message.Contains("expected 5"));
            Assert.That(() => exchange.EnsureSuccess(), Throws.TypeOf<CniCallFailedException>().With.Message.Contains("invalid subnet"));
        });
    }

    [Test]
    public async Task FailureOnStderrOnlyIsNotACniError()
    {
        var plugin = Script("stderr-only", "echo 'something broke' >&2; exit 2");

        CniExchange exchange;
        using (RedSteps.Expect("the call's failure is what the test reads"))
            exchange = await plugin.AddAsync(Call());

        Assert.Multiple(() =>
        {
            Assert.That(exchange.ExitCode, Is.EqualTo(2));
            Assert.That(exchange.Error, Is.Null);
            Assert.That(() => exchange.ExpectError(), Throws.TypeOf<CniProtocolException>().With.Message.Contains("without a CNI error JSON on stdout"));
        });
    }

    [Test]
    public async Task SuccessWithGarbageOnStdoutIsAProtocolError()
    {
        var plugin = Script("garbage", "echo 'all good'");

        var exchange = await plugin.AddAsync(Call());

        Assert.That(() => exchange.Result, Throws.TypeOf<CniProtocolException>().With.Message.Contains("not a valid result"));
    }

    [Test]
    public async Task ExpectErrorOnSuccessFails()
    {
        var plugin = Script("quiet", "true");

        var exchange = await plugin.DelAsync(Call());

        Assert.Multiple(() =>
        {
            Assert.That(exchange.Result, Is.Null, "DEL prints nothing");
            Assert.That(() => exchange.ExpectError(7), Throws.TypeOf<CniProtocolException>().With.Message.Contains("exited 0"));
        });
    }

    [Test]
    public async Task RawStdinReplacesTheConfig()
    {
        var plugin = Script("cat", "cat >&2");

        var exchange = await plugin.AddAsync(Call() with { RawStdin = "{broken" });

        Assert.That(exchange.Stderr, Is.EqualTo("{broken"));
    }

    [Test]
    public void NodeNetnsNeedsARunnerThatCanEnterNamespaces()
    {
        var plugin = Script("any", "true");
        plugin.NodeNetNs = "node-1";

        using (RedSteps.Expect("the call's refusal is what the test reads"))
            Assert.That(async () => await plugin.AddAsync(Call()), Throws.TypeOf<InvalidOperationException>().With.Message.Contains("namespace"));
    }

    [Test]
    public async Task TranscriptShowsEverything()
    {
        var plugin = Script("talker", "echo out; echo err >&2; exit 3");

        string text;
        using (RedSteps.Expect("the failed call's transcript is what the test reads"))
            text = (await plugin.AddAsync(Call("ctr-9"))).ToString();

        Assert.That(text, Does.Contain("exit 3").And.Contain("CNI_CONTAINERID=ctr-9").And.Contain("--- stdout\nout").And.Contain("--- stderr\nerr")
            .And.Contain("\"subnet\":\"10.244.1.0/24\""));
    }
}
