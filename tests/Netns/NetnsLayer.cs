using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns;

/// <summary>
/// Starts the layer's shared sandbox and ends it: snapshots of the root namespace before the sandbox exists and
/// after it is gone, and of the sandbox at start and end, must be equal — nothing is left behind.
/// </summary>
[SetUpFixture]
public sealed class NetnsLayer
{
    private static HostSnapshot? _hostBefore;
    private static SandboxSnapshot? _sandboxBefore;

    /// <summary>The root namespace as it was before the layer started (null before set-up).</summary>
    public static HostSnapshot? HostBefore => _hostBefore;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (SandboxHost.UnavailableReason is { } why) Assert.Ignore(why);
        _hostBefore = await HostSnapshot.TakeAsync().ConfigureAwait(false);
        var sandbox = await SandboxHost.GetSharedAsync().ConfigureAwait(false);
        _sandboxBefore = await SandboxSnapshot.TakeAsync(sandbox).ConfigureAwait(false);
        await TestContext.Progress.WriteLineAsync(
            $"netns layer: profile {PluginProfile.Current}, sandbox anchor pid {sandbox.AnchorPid}").ConfigureAwait(false);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_hostBefore is null) return;
        var problems = new List<string>();
        if (_sandboxBefore is not null)
        {
            var sandbox = await SandboxHost.GetSharedAsync().ConfigureAwait(false);
            var after = await SandboxSnapshot.TakeAsync(sandbox).ConfigureAwait(false);
            problems.AddRange(after.DifferencesFrom(_sandboxBefore).Select(d => "sandbox: " + d));
        }
        await SandboxHost.DisposeSharedAsync().ConfigureAwait(false);
        var hostAfter = await HostSnapshot.TakeAsync().ConfigureAwait(false);
        problems.AddRange(hostAfter.DifferencesFrom(_hostBefore).Select(d => "root namespace: " + d));
        if (problems.Count > 0)
        {
            var text = "the netns layer left things behind:\n  " + string.Join("\n  ", problems);
            Evidence.Attach("leftovers", text);
            await TestContext.Progress.WriteLineAsync(text).ConfigureAwait(false);
            Assert.Fail(text);
        }
        await TestContext.Progress.WriteLineAsync("netns layer: root namespace and sandbox clean").ConfigureAwait(false);
    }

    /// <summary>The layer's sandbox (started by the set-up fixture, or on first use).</summary>
    public static Task<SandboxHost> SandboxAsync()
    {
        if (SandboxHost.UnavailableReason is { } why) Assert.Ignore(why);
        return SandboxHost.GetSharedAsync();
    }

    /// <summary>The run's profile; ignores the test when its plugin is not there.</summary>
    public static PluginProfile RequireProfile()
    {
        if (SandboxHost.UnavailableReason is { } why) Assert.Ignore(why);
        var profile = PluginProfile.Current;
        if (!File.Exists(profile.PluginPath))
            Assert.Ignore($"plugin '{profile.PluginPath}' not found: set BASH_CNI_PLUGIN_DIR to the plugin dir or BASHCNI_PROFILE to a profile (fixtures/plugins/profiles)");
        return profile;
    }
}
