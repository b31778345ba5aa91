using System.Globalization;
using System.Text;

namespace BashCni.Harness.Cni;

/// <summary>
/// What happened in one plugin invocation: the environment and stdin it got, what it printed, its exit code and
/// duration; <see cref="Result"/> / <see cref="Error"/> / <see cref="Version"/> read stdout as the matching type.
/// </summary>
public sealed class CniExchange
{
    private readonly Lazy<CniResult?> _result;
    private readonly Lazy<CniError?> _error;

    public CniExchange(string command, string pluginPath, IReadOnlyDictionary<string, string?> env, string stdin,
        string stdout, string stderr, int exitCode, TimeSpan duration)
    {
        Command = command;
        PluginPath = pluginPath;
        Env = env;
        Stdin = stdin;
        Stdout = stdout;
        Stderr = stderr;
        ExitCode = exitCode;
        Duration = duration;
        _result = new Lazy<CniResult?>(ReadResult);
        _error = new Lazy<CniError?>(() => ExitCode != 0 && CniError.TryParse(Stdout, out var e) ? e : null);
    }

    /// <summary>CNI_COMMAND.</summary>
    public string Command { get; }

    public string PluginPath { get; }

    /// <summary>The CNI_* variables (and overrides) the plugin ran with; a null value means removed.</summary>
    public IReadOnlyDictionary<string, string?> Env { get; }

    public string Stdin { get; }

    public string Stdout { get; }

    public string Stderr { get; }

    public int ExitCode { get; }

    public TimeSpan Duration { get; }

    public bool Succeeded => ExitCode == 0;

    /// <summary>
    /// The typed result: null when the plugin failed or printed nothing (DEL, GC, STATUS);
    /// throws <see cref="CniProtocolException"/> when it exited 0 but stdout is not a valid result.
    /// </summary>
    public CniResult? Result => _result.Value;

    /// <summary>The typed error: set when the plugin exited non-zero with a CNI error JSON on stdout.</summary>
    public CniError? Error => _error.Value;

    /// <summary>VERSION's answer; throws <see cref="CniProtocolException"/> when stdout is not one.</summary>
    public VersionResult Version
    {
        get
        {
            try
            {
                return VersionResult.Parse(Stdout);
            }
            catch (FormatException e)
            {
                throw new CniProtocolException($"{Command} output is not a VERSION result: {e.Message}", this, e);
            }
        }
    }

    /// <summary>Told when <see cref="ExpectError"/> confirmed an error (the report step is renamed "as expected").</summary>
    internal Action<ExpectedCniError>? ErrorExpected { get; set; }

    /// <summary>Throws <see cref="CniCallFailedException"/> unless the plugin exited 0.</summary>
    public CniExchange EnsureSuccess() => Succeeded ? this : throw new CniCallFailedException(this);

    /// <summary>Ensures success and a result on stdout, and returns it.</summary>
    public CniResult EnsureResult() =>
        EnsureSuccess().Result ?? throw new CniProtocolException($"{Command} exited 0 but printed no result", this);

    /// <summary>
    /// Ensures the plugin failed the CNI way (non-zero exit, error JSON on stdout), optionally with
    /// <paramref name="code"/>, and returns the error.
    /// </summary>
    public CniError ExpectError(int? code = null)
    {
        if (Succeeded)
            throw new CniProtocolException($"{Command} was expected to fail{(code is null ? "" : $" with code {CniErrorCodes.Describe(code.Value)}")} but exited 0", this);
        var error = Error ?? throw new CniProtocolException($"{Command} failed (exit {ExitCode}) without a CNI error JSON on stdout", this);
        if (code is not null && error.Code != code)
            throw new CniProtocolException($"{Command} failed with code {CniErrorCodes.Describe(error.Code)}, expected {CniErrorCodes.Describe(code.Value)}: {error.Msg}", this);
        ErrorExpected?.Invoke(code is null ? ExpectedCniError.AnyCode : new ExpectedCniError([code.Value]));
        return error;
    }

    /// <summary>The env as "KEY=VALUE" lines (removed variables as "-KEY").</summary>
    public string EnvText() => FormatEnv(Env);

    /// <summary>An environment as sorted "KEY=VALUE" lines (removed variables as "-KEY").</summary>
    public static string FormatEnv(IReadOnlyDictionary<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var sb = new StringBuilder();
        foreach (var (key, value) in env.OrderBy(p => p.Key, StringComparer.Ordinal))
            sb.Append(value is null ? "-" + key : key + "=" + value).Append('\n');
        return sb.ToString();
    }

    /// <summary>A full transcript for assertion messages and reports.</summary>
    public override string ToString() =>
        $"CNI {Command} {PluginPath}: exit {ExitCode.ToString(CultureInfo.InvariantCulture)} after {Duration.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)} ms\n" +
        $"--- env\n{EnvText()}--- stdin\n{Stdin}\n--- stdout\n{Stdout.TrimEnd()}\n--- stderr\n{CniJson.Excerpt(Stderr.TrimEnd(), 4000)}";

    private CniResult? ReadResult()
    {
        if (!Succeeded || string.IsNullOrWhiteSpace(Stdout)) return null;
        try
        {
            return CniResult.Parse(Stdout);
        }
        catch (FormatException e)
        {
            throw new CniProtocolException($"{Command} exited 0 but stdout is not a valid result: {e.Message}", this, e);
        }
    }
}
