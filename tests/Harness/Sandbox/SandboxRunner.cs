namespace BashCni.Harness.Sandbox;

/// <summary>
/// Runs a command inside the anchor's network + mount namespaces: <c>nsenter --target PID --net --mount -- cmd</c>,
/// or inside a named netns of the sandbox: <c>nsenter … -- ip netns exec NAME cmd</c> (which also remounts /sys
/// for that namespace).
/// </summary>
public sealed class SandboxRunner(int anchorPid) : ICommandRunner
{
    public string Name => "sandbox";

    public int AnchorPid { get; } = anchorPid;

    public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CommandOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= CommandOptions.Default;
        var args = new List<string> { "--target", AnchorPid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--net", "--mount" };
        if (options.WorkingDirectory is not null) args.Add("--wd=" + options.WorkingDirectory);
        args.Add("--");
        if (options.NetNs is not null) args.AddRange(["ip", "netns", "exec", options.NetNs]);
        args.Add(program);
        args.AddRange(arguments);
        return ProcessExec.RunAsync("nsenter", args, options with { WorkingDirectory = null }, cancellationToken);
    }
}
