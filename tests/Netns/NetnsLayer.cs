using BashCni.Harness.Layers;
using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns;

/// <summary>
/// Starts the layer's shared sandbox and ends it. The host snapshot before the sandbox exists is recorded for the
/// layer's final check (<see cref="NetnsFinal.NetnsFinalChecks"/>, a separate test process after this one); at the
/// end, the sandbox's snapshot must equal the one at start (recorded as the final check "netns sandbox").
/// Without run-tests.sh's state directory (plain dotnet test) both comparisons fail this teardown instead.
/// </summary>
[SetUpFixture]
public sealed class NetnsLayer
{
    /// <summary>The final check the sandbox comparison is recorded for.</summary>
    public const string SandboxCheck = "netns sandbox";

    private static HostSnapshot? _hostBefore;
    private static SandboxSnapshot? _sandboxBefore;

    /// <summary>The root namespace as it was before the layer started (null before set-up).</summary>
    public static HostSnapshot? HostBefore => _hostBefore;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (SandboxHost.UnavailableReason is { } why) Assert.Ignore(why);
        _hostBefore = await LayerState.RecordHostBeforeAsync().ConfigureAwait(false);
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
        try
        {
            if (_sandboxBefore is null)
                problems.Add("the sandbox's snapshot at start was not taken");
            else
            {
                var sandbox = await SandboxHost.GetSharedAsync().ConfigureAwait(false);
                var after = await SandboxSnapshot.TakeAsync(sandbox).ConfigureAwait(false);
                problems.AddRange(after.DifferencesFrom(_sandboxBefore));
            }
        }
        finally
        {
            await SandboxHost.DisposeSharedAsync().ConfigureAwait(false);
        }
        if (await LayerState.RecordCheckAsync(SandboxCheck, problems).ConfigureAwait(false))
        {
            await TestContext.Progress.WriteLineAsync($"netns layer: sandbox {(problems.Count == 0 ? "clean" : "NOT clean")} " +
                "(checked by NetnsFinalChecks after this process)").ConfigureAwait(false);
            return;
        }
        // Not ordered by run-tests.sh: compare the host here (the sandbox is gone, this process is not).
        var hostAfter = await HostSnapshot.TakeAsync().ConfigureAwait(false);
        var all = problems.Select(d => "sandbox: " + d)
            .Concat((hostAfter with { TempEntries = [] }).DifferencesFrom(_hostBefore with { TempEntries = [] }).Select(d => "root namespace: " + d)).ToList();
        if (all.Count > 0)
        {
            var text = "the netns layer left things behind:\n  " + string.Join("\n  ", all);
            Evidence.Attach("leftovers", text);
            Assert.Fail(text);
        }
    }

    /// <summary>The layer's sandbox (started by the set-up fixture, or on first use).</summary>
    public static Task<SandboxHost> SandboxAsync()
    {
        if (SandboxHost.UnavailableReason is { } why) Assert.Ignore(why);
        return SandboxHost.GetSharedAsync();
    }

    /// <summary>The run's profile; fails the test when its plugin is not there (a missing plugin is never a skip).</summary>
    public static PluginProfile RequireProfile()
    {
        if (SandboxHost.UnavailableReason is { } why) Assert.Ignore(why);
        var profile = PluginProfile.Current;
        if (!File.Exists(profile.PluginPath))
            Assert.Fail($"plugin '{profile.PluginPath}' not found: set BASHCNI_PLUGIN_DIR to the plugin dir or BASHCNI_PROFILE to a profile (fixtures/plugins/profiles)");
        return profile;
    }
}
