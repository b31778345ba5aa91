namespace BashCni.Harness.Sandbox;

/// <summary>What one process did: its command line, exit code, output and how long it took.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string Stdout, string Stderr, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws <see cref="CommandFailedException"/> unless the exit code is 0.</summary>
    public CommandResult EnsureSuccess() => Succeeded ? this : throw new CommandFailedException(this);

    public override string ToString() =>
        $"$ {CommandLine}\nexit {ExitCode} after {Duration.TotalMilliseconds:F1} ms\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

public sealed class CommandFailedException(CommandResult result)
    : Exception($"command failed (exit {result.ExitCode}): {result.CommandLine}\n{result.Stderr.Trim()}\n{result.Stdout.Trim()}")
{
    public CommandResult Result { get; } = result;
}
