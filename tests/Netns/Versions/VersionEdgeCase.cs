using BashCni.Harness.Cni;

namespace BashCni.Tests.Netns.Versions;

/// <summary>
/// A CNI version at the edge of what the plugin negotiates: a configuration version just past the newest it
/// supports, or just before the oldest, or a command used with a configuration version older than the command
/// (CHECK exists from 0.4.0, STATUS and GC from 1.1.0). Each must be refused with code 1 (incompatible CNI versions)
/// and change nothing — shown in the error, the store and the pod.
/// </summary>
public sealed record VersionEdgeCase(string Name, string Command, string ConfigVersion)
{
    /// <summary>The table (upstream: libcni's version checks and the spec's "Version considerations" per command).</summary>
    public static IReadOnlyList<VersionEdgeCase> All { get; } =
    [
        new("ADD with a version just past the newest (1.1.1)", CniCommand.Add, "1.1.1"),
        new("ADD with the next minor version (1.2.0)", CniCommand.Add, "1.2.0"),
        new("ADD with a version just before the oldest (0.2.0)", CniCommand.Add, "0.2.0"),
        new("DEL with a version just past the newest (1.1.1)", CniCommand.Del, "1.1.1"),
        new("CHECK with a configuration older than CHECK (0.3.1)", CniCommand.Check, CniVersions.V031),
        new("GC with a configuration older than GC (1.0.0)", CniCommand.Gc, "1.0.0"),
        new("STATUS with a configuration older than STATUS (1.0.0)", CniCommand.Status, "1.0.0"),
    ];

    public override string ToString() => Name;
}
