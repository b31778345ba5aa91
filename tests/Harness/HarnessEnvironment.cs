namespace BashCni.Harness;

/// <summary>
/// The harness's environment settings, read in one place. Every setting is <c>BASHCNI_&lt;NAME&gt;</c>; a few older
/// names are still read as aliases (the new name wins when both are set). Variables the plugin itself reads
/// (<c>BASH_CNI_LOG_FILE</c>, <c>CNI_*</c>) are the plugin's interface, not harness settings, and are not read here.
/// </summary>
public static class HarnessEnvironment
{
    /// <summary>The prefix of every harness setting.</summary>
    public const string Prefix = "BASHCNI_";

    /// <summary>Older names still honoured: setting name (without prefix) → alias.</summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PLUGIN_DIR"] = "BASH_CNI_PLUGIN_DIR",
    };

    /// <summary>The value of <c>BASHCNI_&lt;name&gt;</c> (or its alias), null when unset or blank.</summary>
    public static string? Get(string name, Func<string, string?>? environment = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        environment ??= Environment.GetEnvironmentVariable;
        var value = environment(Prefix + name);
        if (string.IsNullOrWhiteSpace(value) && Aliases.TryGetValue(name, out var alias)) value = environment(alias);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
