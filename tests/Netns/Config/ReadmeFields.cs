using System.Text.RegularExpressions;
using BashCni.Harness;

namespace BashCni.Tests.Netns.Config;

/// <summary>
/// The configuration fields src/Plugin/README.md documents, with every form each is accepted in: the rows of the
/// "Fields" table ("Where": <c>top</c>, <c>lab top / `ipam`</c>, "top-level also read in the ipam form"), plus the
/// fields the README names inside host-local's <c>"ranges": [[{...}]]</c>.
/// </summary>
public static partial class ReadmeFields
{
    public static string ReadmePath => Path.Combine(RepoPaths.Root, "src", "Plugin", "README.md");

    public static IReadOnlySet<(string Field, ConfigForm Form)> Parse(string readme)
    {
        ArgumentNullException.ThrowIfNull(readme);
        var result = new HashSet<(string, ConfigForm)>();
        var section = readme[readme.IndexOf("### Fields", StringComparison.Ordinal)..];
        var rows = section.Split('\n').SkipWhile(l => !l.StartsWith("| Field", StringComparison.Ordinal)).Skip(2)
            .TakeWhile(l => l.StartsWith('|'));
        foreach (var row in rows)
        {
            var cells = row.Split('|');
            if (cells.Length < 4) throw new FormatException($"README fields row without a Where column: {row}");
            var where = cells[2].Trim();
            var forms = new List<ConfigForm>();
            if (where == "top") forms.Add(ConfigForm.Top);
            else if (where.StartsWith("lab top / `ipam`", StringComparison.Ordinal)) forms.AddRange([ConfigForm.Top, ConfigForm.Ipam]);
            else throw new FormatException($"README fields row with a Where this test does not know ('{where}'): extend {nameof(ReadmeFields)}");
            if (where.Contains("top-level also read in the ipam form", StringComparison.Ordinal)) forms.Add(ConfigForm.TopOfIpamForm);
            foreach (Match field in Quoted().Matches(cells[1]))
                foreach (var form in forms) result.Add((field.Groups[1].Value, form));
        }
        var ranges = RangesSentence().Match(readme);
        if (!ranges.Success) throw new FormatException("README no longer names the fields of host-local's \"ranges\"");
        foreach (Match field in QuotedJson().Matches(ranges.Groups[1].Value)) result.Add((field.Groups[1].Value, ConfigForm.Ranges));
        return result;
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Quoted();

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex QuotedJson();

    [GeneratedRegex(@"`""ranges"": \[\[\{([^}]*)\}\]\]`")]
    private static partial Regex RangesSentence();
}
