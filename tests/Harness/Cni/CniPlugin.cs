using System.Globalization;
using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;
using NUnit.Framework;

namespace BashCni.Harness.Cni;

/// <summary>
/// Runs a CNI plugin binary (<c>pluginDir/type</c>) through an <see cref="ICommandRunner"/>: the CNI env, the config on
/// stdin, stdout/stderr/exit code captured into a <see cref="CniExchange"/>. With <see cref="NodeNetNs"/> set, the plugin
/// runs inside that named netns (sandbox runner only). Every call is a report step with its env, stdin, stdout,
/// stderr, exit code and duration attached.
/// </summary>
public sealed class CniPlugin(string pluginDir, string type, ICommandRunner runner)
{
    public string PluginDir { get; } = pluginDir;

    public string Type { get; } = type;

    public ICommandRunner Runner { get; } = runner;

    /// <summary>The binary that runs.</summary>
    public string PluginPath => Path.Combine(PluginDir, Type);

    /// <summary>A named network namespace (the "node") to run the plugin in; null = where the runner runs.</summary>
    public string? NodeNetNs { get; set; }

    /// <summary>CNI_PATH; default <see cref="PluginDir"/>.</summary>
    public string? CniPath { get; set; }

    /// <summary>
    /// Record each call as a report step with its attachments (default). Off for bulk callers (property tests
    /// with thousands of calls), which report a summary themselves.
    /// </summary>
    public bool RecordEvidence { get; set; } = true;

    /// <summary>Kill the plugin after this long.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The plugin of that type in the directory under test (<see cref="RepoPaths.PluginDir"/>), run locally.</summary>
    public static CniPlugin Local(string type) => new(RepoPaths.PluginDir, type, LocalRunner.Instance);

    public bool Exists => File.Exists(PluginPath);

    public Task<CniExchange> AddAsync(CniCall call, CancellationToken cancellationToken = default) =>
        InvokeAsync(CniCommand.Add, call, cancellationToken);

    public Task<CniExchange> DelAsync(CniCall call, CancellationToken cancellationToken = default) =>
        InvokeAsync(CniCommand.Del, call, cancellationToken);

    public Task<CniExchange> CheckAsync(CniCall call, CancellationToken cancellationToken = default) =>
        InvokeAsync(CniCommand.Check, call, cancellationToken);

    public Task<CniExchange> VersionAsync(CniCall call, CancellationToken cancellationToken = default) =>
        InvokeAsync(CniCommand.Version, call, cancellationToken);

    public Task<CniExchange> StatusAsync(CniCall call, CancellationToken cancellationToken = default) =>
        InvokeAsync(CniCommand.Status, call, cancellationToken);

    public Task<CniExchange> GcAsync(CniCall call, CancellationToken cancellationToken = default) =>
        InvokeAsync(CniCommand.Gc, call, cancellationToken);

    /// <summary>The environment a call runs with: the six CNI_* variables, then <see cref="CniCall.ExtraEnv"/>.</summary>
    public IReadOnlyDictionary<string, string?> EnvironmentFor(string command, CniCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["CNI_COMMAND"] = command,
            ["CNI_CONTAINERID"] = call.ContainerId,
            ["CNI_NETNS"] = call.NetNs ?? "",
            ["CNI_IFNAME"] = call.IfName,
            ["CNI_ARGS"] = call.Args ?? "",
            ["CNI_PATH"] = CniPath ?? PluginDir,
        };
        // Outside the sandbox the default log (/var/log/bash-cni.log) would be the real machine's: calls whose config
        // names no logFile (or cannot be read) log nowhere instead.
        if (Runner is LocalRunner) env["BASH_CNI_LOG_FILE"] = "/dev/null";
        if (call.ExtraEnv is not null)
            foreach (var (key, value) in call.ExtraEnv) env[key] = value;
        // Coverage of the plugin's lines per test (tests/Mutation): the plugin's trace names the test that called it.
        if (HarnessEnvironment.Get("TRACE_TESTS") is not null) env["BASHCNI_TEST"] = TestContext.CurrentContext.Test.FullName;
        return env;
    }

    /// <summary>Runs the plugin with CNI_COMMAND=<paramref name="command"/>. Never throws for a plugin failure.</summary>
    public Task<CniExchange> InvokeAsync(string command, CniCall call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(call);
        if (!RecordEvidence) return RunAsync(command, call, cancellationToken);
        return RecordedAsync(command, call, cancellationToken);
    }

    // One report step per call, named after its outcome (CniStepNames); the call's inputs and outputs attached to it.
    private async Task<CniExchange> RecordedAsync(string command, CniCall call, CancellationToken cancellationToken)
    {
        StepHandle? step = null;
        var exchange = await Evidence.StepAsync(CniStepNames.Running(command, call), async () =>
        {
            step = Evidence.CurrentStepHandle();
            Evidence.Parameter("container", call.ContainerId);
            if (call.ExpectedError is { } expected) Evidence.Parameter("expected", expected.ToString());
            Evidence.Attach("env", CniExchange.FormatEnv(EnvironmentFor(command, call)));
            Evidence.Attach("stdin", call.Stdin, "application/json", "json");
            var exchange = await RunAsync(command, call, cancellationToken).ConfigureAwait(false);
            var stdoutIsJson = exchange.Stdout.TrimStart().StartsWith('{');
            Evidence.Attach("stdout", exchange.Stdout, stdoutIsJson ? "application/json" : "text/plain", stdoutIsJson ? "json" : "txt");
            Evidence.Attach("stderr", exchange.Stderr);
            Evidence.Attach("exit", string.Create(CultureInfo.InvariantCulture,
                $"exit code {exchange.ExitCode}, duration {exchange.Duration.TotalMilliseconds:F1} ms, runner {Runner.Name}{(NodeNetNs is null ? "" : ", netns " + NodeNetNs)}\n"));
            return exchange;
        }, exchange => CniStepNames.Conclude(command, call, exchange)).ConfigureAwait(false);
        // A test that checks the error afterwards (exchange.ExpectError) turns an unexpected-looking error step green.
        if (step is not null && call.ExpectedError is null)
            exchange.ErrorExpected = error => step.Conclude(CniStepNames.Conclude(command, call, exchange, error));
        return exchange;
    }

    private async Task<CniExchange> RunAsync(string command, CniCall call, CancellationToken cancellationToken)
    {
        var env = EnvironmentFor(command, call);
        var stdin = call.Stdin;
        var options = new CommandOptions { Stdin = stdin, Environment = env, NetNs = NodeNetNs, Timeout = Timeout };
        var run = await Runner.RunAsync(PluginPath, [], options, cancellationToken).ConfigureAwait(false);
        return new CniExchange(command, PluginPath, env, stdin, run.Stdout, run.Stderr, run.ExitCode, run.Duration);
    }
}
