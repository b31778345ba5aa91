using BashCni.Harness;
using BashCni.Harness.Sandbox;

namespace BashCni.Bench;

/// <summary>Reads what the report says about the machine and the versions measured.</summary>
public static class MachineProbe
{
    public static string LoadAverage() => ReadOr("/proc/loadavg", "?").Split(' ').Take(3) is var parts ? string.Join(' ', parts) : "?";

    public static async Task<MachineInfo> DescribeAsync(string loadBefore, BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cpu = ReadOr("/proc/cpuinfo", "").Split('\n')
            .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var os = ReadOr("/etc/os-release", "").Split('\n')
            .FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"') ?? "Linux";
        var revision = await TryRunAsync("git", ["-C", RepoPaths.Root, "describe", "--always", "--dirty"], cancellationToken).ConfigureAwait(false);
        var refVersion = await TryRunAsync("dpkg-query", ["-W", "-f", "${Package} ${Version}", "containernetworking-plugins"], cancellationToken)
            .ConfigureAwait(false);
        return new MachineInfo(Environment.MachineName, cpu, Environment.ProcessorCount, ReadOr("/proc/sys/kernel/osrelease", "?").Trim(),
            os, loadBefore, LoadAverage(), revision ?? "unknown", refVersion ?? $"reference plugins in {options.ReferenceDir}");
    }

    private static async Task<string?> TryRunAsync(string program, string[] args, CancellationToken cancellationToken)
    {
        try
        {
            var result = await LocalRunner.Instance.RunAsync(program, args, null, cancellationToken).ConfigureAwait(false);
            return result.Succeeded && result.Stdout.Trim().Length > 0 ? result.Stdout.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        catch (CliWrap.Exceptions.CliWrapException)
        {
            return null;
        }
    }

    private static string ReadOr(string path, string fallback)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return fallback;
        }
        catch (UnauthorizedAccessException)
        {
            return fallback;
        }
    }
}
