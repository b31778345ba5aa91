namespace BashCni.Tests.Netns.CniPath;

/// <summary>
/// CNI_PATH is a list of directories (the spec: "a list of paths to search for CNI plugin executables, separated by
/// the OS's list separator"; libcni's invoke.FindInPath tries each in order). The delegated IPAM plugin is not in the
/// first directory: each case names the directories before the plugin's own (<c>missing</c>: a path that does not
/// exist; <c>empty</c>: an existing directory without plugins; <c>""</c>: an empty entry).
/// </summary>
public sealed record CniPathCase(string Name, string[] Before)
{
    /// <summary>The table.</summary>
    public static IReadOnlyList<CniPathCase> All { get; } =
    [
        new("the IPAM in the second directory, the first missing", ["missing"]),
        new("the IPAM in the second directory, the first empty", ["empty"]),
        new("the IPAM in the third directory", ["missing", "empty"]),
        new("the IPAM after an empty entry", [""]),
    ];

    public override string ToString() => Name;
}
