using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using BashCni.Harness.Sandbox;

namespace BashCni.Harness.Reporting;

/// <summary>
/// What the report's environment section shows: kernel, distribution, bash/jq/iproute2 versions, the plugin's
/// directory, commit and supported CNI versions, the .NET runtime and which layers ran; plus <c>executor.json</c>.
/// </summary>
public static class EnvironmentReport
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Collects the facts and writes both files (merging with what earlier layers of the run wrote).</summary>
    public static void Write(AllureResultsWriter writer, string layer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        // NUnit's action hooks are synchronous; the collection runs on the thread pool so no context is captured.
        var properties = Task.Run(() => CollectAsync(layer)).GetAwaiter().GetResult();
        var earlier = writer.ReadEnvironment();
        if (earlier.TryGetValue("layers", out var layers) && layers.Length > 0)
            properties["layers"] = layers.Split(',').Contains(layer) ? layers : layers + "," + layer;
        writer.WriteEnvironment(properties);
        writer.WriteExecutor(Executor(properties));
    }

    public static async Task<Dictionary<string, string>> CollectAsync(string layer, CancellationToken cancellationToken = default)
    {
        var pluginDir = PluginDirOrNull();
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["layers"] = layer,
            ["os.kernel"] = ReadFirstLine("/proc/sys/kernel/osrelease") ?? RuntimeInformation.OSDescription,
            ["os.distro"] = OsRelease("PRETTY_NAME") ?? RuntimeInformation.OSDescription,
            ["os.arch"] = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            ["dotnet.runtime"] = RuntimeInformation.FrameworkDescription,
            ["nunit.version"] = typeof(NUnit.Framework.Assert).Assembly.GetName().Version?.ToString() ?? "unknown",
            ["host"] = Environment.MachineName,
            ["user"] = Environment.IsPrivilegedProcess ? "root" : Environment.UserName,
            ["plugin.dir"] = pluginDir ?? "unknown (repository root not found; set BASHCNI_REPO or BASHCNI_PLUGIN_DIR)",
        };
        properties["bash.version"] = await FirstLineAsync("bash", ["-c", "echo \"$BASH_VERSION\""], cancellationToken).ConfigureAwait(false);
        properties["jq.version"] = await FirstLineAsync("jq", ["--version"], cancellationToken).ConfigureAwait(false);
        properties["iproute2.version"] = await FirstLineAsync("ip", ["-V"], cancellationToken).ConfigureAwait(false);
        properties["plugin.commit"] = await PluginCommitAsync(pluginDir, cancellationToken).ConfigureAwait(false);
        properties["plugin.cniVersions"] = await SupportedVersionsAsync(pluginDir, cancellationToken).ConfigureAwait(false);
        foreach (var (key, variable) in new[] { ("profile", "BASHCNI_PROFILE"), ("cluster.target", "BASHCNI_CLUSTER_TARGET") })
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value) properties[key] = value;
        return properties;
    }

    private static Dictionary<string, object> Executor(IReadOnlyDictionary<string, string> properties)
    {
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        var name = HarnessEnvironment.Get("EXECUTOR") is { } named ? named : ci ? ".ci/run" : "dotnet test";
        var commit = properties.GetValueOrDefault("plugin.commit", "unknown");
        return new Dictionary<string, object>
        {
            ["name"] = name,
            ["type"] = ci ? "ci" : "local",
            ["buildName"] = $"BashCni {commit} on {Environment.MachineName}",
            ["buildOrder"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["reportName"] = "BashCni verification",
        };
    }

    private static string? PluginDirOrNull()
    {
        try
        {
            return RepoPaths.PluginDir;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task<string> PluginCommitAsync(string? pluginDir, CancellationToken cancellationToken)
    {
        if (pluginDir is null || !Directory.Exists(pluginDir)) return "unavailable (no plugin directory)";
        var head = await RunAsync("git", ["-c", "safe.directory=*", "-C", pluginDir, "rev-parse", "--short=12", "HEAD"], cancellationToken).ConfigureAwait(false);
        if (head is not { ExitCode: 0 }) return "unavailable (not a git checkout)";
        var status = await RunAsync("git", ["-c", "safe.directory=*", "-C", pluginDir, "status", "--porcelain", "--", "."], cancellationToken).ConfigureAwait(false);
        var dirty = status is { ExitCode: 0 } && status.Stdout.Trim().Length > 0;
        return head.Stdout.Trim() + (dirty ? " (with uncommitted changes)" : "");
    }

    private static async Task<string> SupportedVersionsAsync(string? pluginDir, CancellationToken cancellationToken)
    {
        var plugin = pluginDir is null ? "" : Path.Combine(pluginDir, "bash-cni");
        if (pluginDir is null || !File.Exists(plugin)) return "unavailable (no bash-cni in the plugin directory)";
        var result = await RunAsync(plugin, [], cancellationToken, new CommandOptions
        {
            Stdin = "{\"cniVersion\":\"1.1.0\"}",
            // Runs on the real machine: log nowhere rather than into its /var/log.
            Environment = new Dictionary<string, string?> { ["CNI_COMMAND"] = "VERSION", ["CNI_PATH"] = pluginDir, ["BASH_CNI_LOG_FILE"] = "/dev/null" },
            Timeout = CommandTimeout,
        }).ConfigureAwait(false);
        if (result is null) return "unavailable (bash-cni did not run)";
        try
        {
            if (JsonNode.Parse(result.Stdout)?["supportedVersions"] is JsonArray versions)
                return string.Join(",", versions.Select(v => v?.GetValue<string>()));
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return $"unavailable (VERSION exited {result.ExitCode.ToString(CultureInfo.InvariantCulture)})";
    }

    private static async Task<string> FirstLineAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        var result = await RunAsync(program, arguments, cancellationToken).ConfigureAwait(false);
        if (result is not { ExitCode: 0 }) return "not found";
        var text = (result.Stdout.Trim().Length > 0 ? result.Stdout : result.Stderr).Trim();
        return text.Split('\n')[0].Trim();
    }

    private static async Task<CommandResult?> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken,
        CommandOptions? options = null)
    {
        try
        {
            return await LocalRunner.Instance.RunAsync(program, arguments, options ?? new CommandOptions { Timeout = CommandTimeout }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is CliWrap.Exceptions.CliWrapException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return null;
        }
    }

    private static string? ReadFirstLine(string path) =>
        File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() : null;

    private static string? OsRelease(string key)
    {
        const string path = "/etc/os-release";
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
            if (line.StartsWith(key + "=", StringComparison.Ordinal)) return line[(key.Length + 1)..].Trim('"');
        return null;
    }
}
