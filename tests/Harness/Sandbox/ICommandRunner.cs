namespace BashCni.Harness.Sandbox;

/// <summary>
/// The one way tests start processes. <see cref="LocalRunner"/> runs them as they are (Unit layer, no root);
/// <see cref="SandboxHost.Runner"/> runs them inside the sandbox's network and mount namespaces.
/// </summary>
public interface ICommandRunner
{
    /// <summary>A short name for reports ("local", "sandbox").</summary>
    string Name { get; }

    /// <summary>Runs the program; never throws for a non-zero exit (see <see cref="CommandResult.EnsureSuccess"/>).</summary>
    Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CommandOptions? options = null,
        CancellationToken cancellationToken = default);
}

public static class CommandRunnerExtensions
{
    public static Task<CommandResult> RunAsync(this ICommandRunner runner, string program, params string[] arguments) =>
        runner.RunAsync(program, arguments);

    /// <summary>Runs a bash script (passed as <c>bash -c script</c>, never interpolated by the harness) and throws on failure.</summary>
    public static async Task<CommandResult> BashAsync(this ICommandRunner runner, string script,
        CommandOptions? options = null, CancellationToken cancellationToken = default) =>
        (await runner.RunAsync("bash", ["-c", script], options, cancellationToken).ConfigureAwait(false)).EnsureSuccess();

    /// <summary>Runs and throws <see cref="CommandFailedException"/> on a non-zero exit.</summary>
    public static async Task<CommandResult> RunCheckedAsync(this ICommandRunner runner, string program,
        IReadOnlyList<string> arguments, CommandOptions? options = null, CancellationToken cancellationToken = default) =>
        (await runner.RunAsync(program, arguments, options, cancellationToken).ConfigureAwait(false)).EnsureSuccess();
}
