using BashCni.Harness;
using BashCni.Harness.Sandbox;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Infra;

/// <summary>
/// run-tests.sh installs what the chosen layers and target need (.ci/packages.sh), with dpkg-query replaced by a
/// double that reports a chosen set of packages installed: a real target installs no local runtime, and Docker's
/// containerd.io (which Conflicts/Replaces containerd and runc: installing either removes it and docker-ce) is
/// never replaced.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class PackageSelectionTests
{
    private DirectoryInfo _temp = null!;

    [SetUp]
    public void SetUp() => _temp = Directory.CreateTempSubdirectory("bashcni-pkgs-");

    [TearDown]
    public void TearDown() => _temp.Delete(recursive: true);

    /// <summary>Runs .ci/packages.sh with a dpkg-query that reports <paramref name="installed"/> as installed.</summary>
    private async Task<IReadOnlyList<string>> SelectAsync(IEnumerable<string> installed, params string[] args)
    {
        var fake = Path.Combine(_temp.FullName, "dpkg-query");
        await File.WriteAllTextAsync(fake, "#!/usr/bin/env bash\n# dpkg-query -W -f=FORMAT PACKAGE\ncase \"${!#}\" in\n" +
            string.Concat(installed.Select(p => $"  {p}) printf 'install ok installed' ;;\n")) +
            "  *) echo \"dpkg-query: no packages found matching ${!#}\" >&2; exit 1 ;;\nesac\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var result = await LocalRunner.Instance.RunCheckedAsync("bash", [Path.Combine(RepoPaths.Root, ".ci", "packages.sh"), .. args],
            new CommandOptions { Environment = new Dictionary<string, string?> { ["BASHCNI_DPKG_QUERY"] = fake } });
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static readonly string[] DockerHost = ["containerd.io", "docker-ce", "jq", "iproute2", "util-linux", "curl"];

    /// <summary>What the cluster layer's self-test (tests/Cluster/SelfTest: it always starts the embedded cluster,
    /// whatever the target) needs besides a container runtime: the node tools and images' sources.</summary>
    private static readonly string[] SelfTestNeeds = ["socat", "busybox-static", "nginx-light", "openssh-server", "iptables", "iputils-ping"];

    [TestCase("kind")]
    [TestCase("kubeconfig")]
    [TestCase("aws")]
    public async Task ARealTargetLeavesContainerdIoAloneAndInstallsWhatTheSelfTestNeeds(string target)
    {
        var onFreshMachine = await SelectAsync([], "--target", target, "cluster");
        var onDockerHost = await SelectAsync(DockerHost, "--target", target, "cluster");
        Assert.Multiple(() =>
        {
            Assert.That(onDockerHost, Does.Not.Contain("containerd").And.Not.Contain("runc").And.Not.Contain("containerd.io"),
                $"cluster --target {target} on a Docker host installs: {string.Join(' ', onDockerHost)}");
            Assert.That(onDockerHost, Is.SupersetOf(SelfTestNeeds),
                $"cluster --target {target} on a Docker host (GitHub's runner image: no socat, no busybox) installs: {string.Join(' ', onDockerHost)}");
            Assert.That(onFreshMachine, Is.SupersetOf(SelfTestNeeds).And.Contain("containerd").And.Contain("runc"),
                $"cluster --target {target} on a machine without Docker installs: {string.Join(' ', onFreshMachine)}");
            Assert.That(onFreshMachine, Does.Contain("jq"), "the harness's own tools are still installed");
        });
    }

    [Test]
    public async Task TheLocalApiTargetNeedsWhatTheLocalTargetNeeds()
    {
        var local = await SelectAsync([], "--target", "local", "cluster");
        var api = await SelectAsync([], "--target", "local-api", "cluster");
        Assert.That(api, Is.EqualTo(local));
    }

    [Test]
    public async Task AnUnknownTargetIsRefused()
    {
        var fake = Path.Combine(_temp.FullName, "dpkg-query");
        await File.WriteAllTextAsync(fake, "#!/usr/bin/env bash\nexit 1\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var result = await LocalRunner.Instance.RunAsync("bash", [Path.Combine(RepoPaths.Root, ".ci", "packages.sh"), "--target", "kinf", "cluster"],
            new CommandOptions { Environment = new Dictionary<string, string?> { ["BASHCNI_DPKG_QUERY"] = fake } });
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Stderr, Does.Contain("unknown target kinf"));
        });
    }

    [Test]
    public async Task TheLocalTargetUsesAnInstalledContainerdIoInsteadOfReplacingIt()
    {
        var onDockerHost = await SelectAsync(DockerHost, "--target", "local", "unit", "netns", "cluster");
        var onFreshMachine = await SelectAsync([], "--target", "local", "cluster");
        Assert.Multiple(() =>
        {
            Assert.That(onDockerHost, Does.Not.Contain("containerd").And.Not.Contain("runc").And.Not.Contain("containerd.io"),
                string.Join(' ', onDockerHost));
            Assert.That(onDockerHost, Does.Contain("openssh-server"), "the rest of the local cluster's needs are installed");
            Assert.That(onFreshMachine, Does.Contain("containerd").And.Contain("runc"), "without Docker the local cluster gets Debian's runtime");
        });
    }

    [Test]
    public async Task TheRenderedReportsBrowserCheckAddsChromiumAndNothingElse()
    {
        var withReport = await SelectAsync([], "--target", "kind", "cluster", "report");
        var without = await SelectAsync([], "--target", "kind", "cluster");
        Assert.That(withReport, Is.EqualTo(without.Append("chromium").ToArray()));
    }

    [Test]
    public async Task OnlyWhatIsMissingIsInstalled()
    {
        var needed = await SelectAsync([], "--needed", "unit");
        var missing = await SelectAsync(["jq", "shellcheck"], "unit");
        Assert.That(missing, Is.EqualTo(needed.Except(["jq", "shellcheck"]).ToArray()));
    }

    [Test]
    public void RunTestsInstallsFromThisSelectionOnly()
    {
        var script = File.ReadAllText(Path.Combine(RepoPaths.Root, "run-tests.sh"));
        Assert.Multiple(() =>
        {
            Assert.That(script, Does.Contain("source \"$REPO_DIR/.ci/packages.sh\""));
            Assert.That(script, Does.Contain("packages_missing \"${TARGET:-local}\" \"${needs[@]}\""));
            Assert.That(script, Does.Contain("local -a needs=(\"${LAYERS[@]}\")"), "the chosen layers, plus the report's browser when it is rendered");
            Assert.That(script, Does.Not.Match(@"\bcontainerd\s+runc\b"), "no package list of its own");
        });
    }
}
