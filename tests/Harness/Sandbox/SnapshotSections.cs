namespace BashCni.Harness.Sandbox;

/// <summary>Reads a snapshot script's output: "## name" headers, each followed by its non-empty lines.</summary>
public sealed class SnapshotSections
{
    private readonly Dictionary<string, List<string>> _sections = new(StringComparer.Ordinal);

    public SnapshotSections(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        List<string>? current = null;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.StartsWith("## ", StringComparison.Ordinal)) { current = _sections[line[3..]] = []; continue; }
            if (line.Length > 0) current?.Add(line);
        }
    }

    /// <summary>The lines of a section; empty when the output had none.</summary>
    public List<string> this[string name] => _sections.TryGetValue(name, out var v) ? v : [];
}
