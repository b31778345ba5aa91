namespace BashCni.Harness.Cni;

/// <summary>VERSION's answer: <c>{"cniVersion","supportedVersions":[...]}</c>.</summary>
public sealed record VersionResult(string CniVersion, IReadOnlyList<string> SupportedVersions)
{
    public string Json { get; init; } = "";

    public bool Supports(string version) => SupportedVersions.Contains(version, StringComparer.Ordinal);

    public static VersionResult Parse(string json)
    {
        var root = CniJson.ParseObject(json, "VERSION result");
        var version = CniJson.RequiredString(root, "cniVersion", "");
        if (root["supportedVersions"] is null) throw new FormatException("supportedVersions: missing");
        return new VersionResult(version, CniJson.Strings(root, "supportedVersions", "")) { Json = json };
    }
}
