using System.Diagnostics;
using System.Text;
using CliWrap;

namespace BashCni.Harness.Sandbox;

/// <summary>Runs processes in the current namespaces through CliWrap. Refuses <see cref="CommandOptions.NetNs"/>.</summary>
public sealed class LocalRunner : ICommandRunner
{
    public static LocalRunner Instance { get; } = new();

    public string Name => "local";

    public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CommandOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= CommandOptions.Default;
        if (options.NetNs is not null)
            throw new InvalidOperationException("LocalRunner cannot enter a network namespace; use the sandbox runner.");
        return ProcessExec.RunAsync(program, arguments, options, cancellationToken);
    }
}

/// <summary>The single CliWrap call every runner ends in.</summary>
internal static class ProcessExec
{
    public static async Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CommandOptions options,
        CancellationToken cancellationToken)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var command = Cli.Wrap(program)
            .WithArguments(arguments)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .WithStandardInputPipe(options.Stdin is null ? PipeSource.Null : PipeSource.FromString(options.Stdin));
        if (options.Environment is not null)
            command = command.WithEnvironmentVariables(options.Environment);
        if (options.WorkingDirectory is not null)
            command = command.WithWorkingDirectory(options.WorkingDirectory);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var line = Quote(program, arguments);
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await command.ExecuteAsync(timeout.Token).ConfigureAwait(false);
            return new CommandResult(line, result.ExitCode, stdout.ToString(), stderr.ToString(), clock.Elapsed);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"timed out after {options.Timeout.TotalSeconds:F0} s: {line}\n{stderr}");
        }
    }

    public static string Quote(string program, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { program }.Concat(arguments).Select(QuoteOne));

    private static string QuoteOne(string s) =>
        s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./=:,@%+".Contains(c)) ? s : "'" + s.Replace("'", "'\\''") + "'";
}
