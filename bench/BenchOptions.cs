using System.Globalization;
using BashCni.Harness;

namespace BashCni.Bench;

/// <summary>Command-line settings of the benchmark.</summary>
public sealed record BenchOptions
{
    public const string Usage = """
        usage: bench [options]          (root: it builds a private network sandbox)

          --n N               timed ADD+DEL pairs per plugin and scenario (default 50)
          --quick             small run: --n 10, --parallel 16, --spawn-runs 1, --budget 20
          --parallel P        concurrent ADDs in the parallel run (default 64)
          --prefill M         addresses taken in the full /16 scenario (default 60000)
          --spawn-runs R      strace-traced ADD+DEL pairs per plugin for the process counts (default 3)
          --budget S          seconds a scenario may take before it stops early with >= 10 samples (default 45)
          --plugin-dir DIR    bash-cni plugin directory (default BASHCNI_PLUGIN_DIR, else the layout the build wrote from src/Plugin: artifacts/plugin)
          --ref-dir DIR       reference plugins (default /usr/lib/cni: bridge + host-local)
          --out DIR           where latest.json, latest.md and latency.png go (default bench/results)
          --label NAME        also keep this run as <out>/NAME.json and <out>/NAME.md (e.g. before, after)
          --compare FILE      also print bash-cni's numbers from an earlier report FILE next to this run's
          --render FILE       measure nothing: print the markdown of report FILE (with --compare: before/after)
                              and redraw <out>/latency.png from it
          --help              this text
        """;

    public int Iterations { get; init; } = 50;

    public int Parallel { get; init; } = 64;

    public int Prefill { get; init; } = 60000;

    public int SpawnRuns { get; init; } = 3;

    public TimeSpan ScenarioBudget { get; init; } = TimeSpan.FromSeconds(45);

    public bool Quick { get; init; }

    public string PluginDir { get; init; } = RepoPaths.PluginDir;

    public string ReferenceDir { get; init; } = "/usr/lib/cni";

    public string OutputDir { get; init; } = Path.Combine(RepoPaths.Root, "bench", "results");

    public string? Label { get; init; }

    /// <summary>An earlier report to compare bash-cni's numbers with.</summary>
    public string? CompareWith { get; init; }

    /// <summary>Render this report instead of measuring.</summary>
    public string? RenderOnly { get; init; }

    public bool ShowHelp { get; init; }

    /// <summary>Fewest samples a scenario keeps even when it runs over its budget.</summary>
    public const int MinimumSamples = 10;

    /// <summary>Untimed ADD+DEL pairs per plugin before each scenario's timed ones.</summary>
    public const int WarmupRuns = 1;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with the reason.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new BenchOptions();
        if (args.Contains("--quick"))
            options = options with { Quick = true, Iterations = 10, Parallel = 16, SpawnRuns = 1, ScenarioBudget = TimeSpan.FromSeconds(20) };
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            int Number(int min, int max)
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                    ? n
                    : throw new ArgumentException($"{arg}: '{text}' is not a whole number in {min}..{max}");
            }

            options = arg switch
            {
                "--quick" => options,
                "--n" => options with { Iterations = Number(1, 100000) },
                "--parallel" => options with { Parallel = Number(1, 250) },
                "--prefill" => options with { Prefill = Number(0, 65000) },
                "--spawn-runs" => options with { SpawnRuns = Number(0, 100) },
                "--budget" => options with { ScenarioBudget = TimeSpan.FromSeconds(Number(1, 3600)) },
                "--plugin-dir" => options with { PluginDir = Path.GetFullPath(Value()) },
                "--ref-dir" => options with { ReferenceDir = Path.GetFullPath(Value()) },
                "--out" => options with { OutputDir = Path.GetFullPath(Value()) },
                "--label" => options with { Label = CheckLabel(Value()) },
                "--compare" => options with { CompareWith = ExistingFile(Value(), arg) },
                "--render" => options with { RenderOnly = ExistingFile(Value(), arg) },
                "--help" or "-h" => options with { ShowHelp = true },
                _ => throw new ArgumentException($"unknown argument '{arg}'"),
            };
        }
        return options;
    }

    private static string ExistingFile(string path, string arg) =>
        File.Exists(path) ? Path.GetFullPath(path) : throw new ArgumentException($"{arg}: no such file '{path}'");

    private static string CheckLabel(string label) =>
        label.Length is > 0 and <= 40 && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? label
            : throw new ArgumentException($"--label: '{label}' must be 1-40 letters, digits, '-' or '_'");
}
