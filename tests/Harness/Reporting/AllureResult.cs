namespace BashCni.Harness.Reporting;

/// <summary>One test's <c>&lt;uuid&gt;-result.json</c> (Allure 2 result format).</summary>
public sealed class AllureResult : AllureExecutable
{
    public string Uuid { get; init; } = Guid.NewGuid().ToString();

    /// <summary>Identifies the test across runs; differs per <c>[TestCase]</c> argument set.</summary>
    public string HistoryId { get; set; } = "";

    /// <summary>Identifies the test method (all argument sets share it).</summary>
    public string TestCaseId { get; set; } = "";

    public string FullName { get; set; } = "";

    public List<string> TitlePath { get; init; } = [];

    public string? Description { get; set; }

    /// <summary>
    /// HTML shown at the top of the test's page, in place of <see cref="Description"/>. The awesome report sizes its
    /// frame to the content (an HTML attachment's frame stays 150 px high in a report opened from disk).
    /// </summary>
    public string? DescriptionHtml { get; set; }

    public List<AllureLabel> Labels { get; init; } = [];

    public List<AllureLink> Links { get; init; } = [];
}
