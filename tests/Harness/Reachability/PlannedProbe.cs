namespace BashCni.Harness.Reachability;

/// <summary>
/// One cell of the plan: what runs in <see cref="Source"/> to test <see cref="Target"/>. When the target could not
/// be resolved (no pod IP, unknown node, …) <see cref="Problem"/> says why and the cell is observed as an error.
/// </summary>
public sealed record PlannedProbe(
    string Source,
    ProbeTarget Target,
    Reach Expected,
    string? Address,
    IReadOnlyList<string> Command,
    string? Problem = null)
{
    public ProbeProtocol Protocol => Target.Protocol;

    /// <summary>Why an expected "no" may be not reached (from the expectation's <c>no-reasons</c>).</summary>
    public IReadOnlySet<ProbeReason> NoReasons { get; init; } = ExpectedMatrix.DefaultNoReasons;

    /// <summary>Cells with the same key run the same command in the same pod and share one probe.</summary>
    public string Key => Problem is null ? Source + "\n" + string.Join('\u001f', Command) : Source + "\n" + Target.Text + "\n" + Problem;

    public string CommandLine => Quote(Command);

    /// <summary>An argument vector as one POSIX shell command line (arguments quoted where needed).</summary>
    public static string Quote(IEnumerable<string> command) => string.Join(' ', command.Select(QuoteArgument));

    /// <summary>A short form for reports: the ping command line, or "GET url" for HTTP (the client script is <see cref="ProbeCommands.HttpScript"/>).</summary>
    public string Display => Protocol == ProbeProtocol.Http && Address is not null ? $"GET {Address} (curl --max-time 2 or wget -T 2)" : CommandLine;

    private static string QuoteArgument(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./:=@%+,".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
