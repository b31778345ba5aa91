namespace BashCni.Harness.Sandbox;

/// <summary>How to run one command.</summary>
public sealed record CommandOptions
{
    /// <summary>Text written to the process's stdin (none: stdin is empty).</summary>
    public string? Stdin { get; init; }

    /// <summary>Extra environment variables; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>A named network namespace (as in <c>ip netns</c>) inside the sandbox to run in; null = the sandbox's own.</summary>
    public string? NetNs { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>Kill the process after this long (default 60 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public static CommandOptions Default { get; } = new();
}
