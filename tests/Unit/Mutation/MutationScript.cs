using BashCni.Harness;
using BashCni.Harness.Sandbox;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Mutation;

/// <summary>Runs a function of tests/Mutation/lib/*.sh in bash (the libraries sourced, set -euo pipefail) and returns its result.</summary>
internal static class MutationScript
{
    public static string LibDir => Path.Combine(RepoPaths.Root, "tests", "Mutation", "lib");

    /// <summary>bash -c "source the libraries; SCRIPT" with <paramref name="arguments"/> as $1, $2, …; fails the test on a non-zero exit.</summary>
    public static async Task<string> RunAsync(string script, params string[] arguments)
    {
        var result = await RunRawAsync(script, arguments).ConfigureAwait(false);
        Assert.That(result.ExitCode, Is.Zero, $"bash failed: {result.Stderr}");
        return result.Stdout;
    }

    public static Task<CommandResult> RunRawAsync(string script, params string[] arguments)
    {
        var prelude = "set -euo pipefail; for f in \"$MUTATION_LIB\"/*.sh; do source \"$f\"; done; ";
        var env = new Dictionary<string, string?>(StringComparer.Ordinal) { ["MUTATION_LIB"] = LibDir, ["LC_ALL"] = "C" };
        return LocalRunner.Instance.RunAsync("bash", ["-c", prelude + script, "mutation-test", .. arguments],
            new CommandOptions { Environment = env, Timeout = TimeSpan.FromSeconds(120) });
    }

    /// <summary>The mutants of one line: (operator, mutated line) pairs.</summary>
    public static async Task<List<(string Op, string Line)>> MutantsAsync(string line)
    {
        var output = await RunAsync("mutation_operators \"$1\"", line).ConfigureAwait(false);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split('\x1f', 2)).Select(p => (p[0], p[1]))];
    }
}
