namespace BashCni.Harness.Conformance;

/// <summary>The strength of a requirement (RFC 2119 words as the CNI spec uses them).</summary>
public enum Requirement
{
    Must,
    Should,
    May,
    /// <summary>Not a clause of the CNI spec: this project's own contract (src/Plugin/README.md, CONTRACTS.md).</summary>
    Contract,
}

/// <summary>
/// One requirement of the CNI spec a check enforces: the spec version it is quoted from, its section, its strength, the
/// requirement in the spec's words (shortened) and a link to the section.
/// </summary>
public sealed record SpecClause(string Id, string SpecVersion, string Section, Requirement Level, string Text, string Anchor)
{
    public string Link => Level == Requirement.Contract
        ? "../../../src/Plugin/README.md" + Anchor
        : $"https://github.com/containernetworking/cni/blob/spec-v{SpecVersion}/SPEC.md{Anchor}";

    public string LevelWord => Level switch
    {
        Requirement.Must => "MUST",
        Requirement.Should => "SHOULD",
        Requirement.May => "MAY",
        _ => "contract",
    };
}
