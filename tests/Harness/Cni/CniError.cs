namespace BashCni.Harness.Cni;

/// <summary>A CNI error as printed on stdout: <c>{"cniVersion","code","msg","details"}</c>.</summary>
public sealed record CniError(string? CniVersion, int Code, string Msg, string? Details)
{
    public string Json { get; init; } = "";

    /// <summary>Reads an error object; requires an integer "code" and a string "msg".</summary>
    public static CniError Parse(string json)
    {
        var root = CniJson.ParseObject(json, "error");
        var code = CniJson.OptionalInt(root, "code", "") ?? throw new FormatException("code: missing");
        return new CniError(
            CniJson.OptionalString(root, "cniVersion", ""),
            code,
            CniJson.RequiredString(root, "msg", ""),
            CniJson.OptionalString(root, "details", "")) { Json = json };
    }

    public static bool TryParse(string? json, out CniError? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(json)) return false;
        try
        {
            error = Parse(json);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public override string ToString() =>
        $"CNI error {CniErrorCodes.Describe(Code)}: {Msg}" + (string.IsNullOrEmpty(Details) ? "" : $" ({Details})");
}
