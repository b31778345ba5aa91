using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Reporting;

/// <summary>The facts written to environment.properties and executor.json.</summary>
[Category("Unit")]
[Feature("Allure results")]
public sealed class EnvironmentReportTests
{
    [Test]
    public async Task CollectsKernelDistroToolVersionsAndThePluginsIdentity()
    {
        var facts = await EnvironmentReport.CollectAsync("Unit");
        Evidence.Attach("environment", string.Join('\n', facts.Select(kv => $"{kv.Key}={kv.Value}")));

        Assert.Multiple(() =>
        {
            Assert.That(facts["layers"], Is.EqualTo("Unit"));
            Assert.That(facts["os.kernel"], Is.EqualTo(File.ReadAllText("/proc/sys/kernel/osrelease").Trim()));
            Assert.That(facts["os.distro"], Is.Not.Empty);
            Assert.That(facts["bash.version"], Does.Match(@"^\d+\.\d+"));
            Assert.That(facts["jq.version"], Does.StartWith("jq-"));
            Assert.That(facts["iproute2.version"], Does.Contain("iproute2"));
            Assert.That(facts["plugin.dir"], Is.EqualTo(BashCni.Harness.RepoPaths.PluginDir));
            Assert.That(facts["plugin.commit"], Does.Match("^[0-9a-f]{12}|^unavailable"));
            Assert.That(facts["plugin.cniVersions"], Does.Match(@"^\d+\.\d+\.\d+(,\d+\.\d+\.\d+)*$|^unavailable"));
        });
    }

    [Test]
    public void WritingMergesTheLayersOfOneRunAndAddsAnExecutor()
    {
        using var scratch = new ScratchResults();
        EnvironmentReport.Write(scratch.Writer, "Unit");
        EnvironmentReport.Write(scratch.Writer, "Netns");
        EnvironmentReport.Write(scratch.Writer, "Unit");

        var written = scratch.Writer.ReadEnvironment();
        var executor = ScratchResults.ReadJson(Path.Combine(scratch.Directory, "executor.json"));
        Assert.Multiple(() =>
        {
            Assert.That(written["layers"], Is.EqualTo("Unit,Netns"));
            Assert.That((string?)executor["name"], Is.Not.Empty);
            Assert.That((string?)executor["reportName"], Is.EqualTo("BashCni verification"));
        });
    }
}
