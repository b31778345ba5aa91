namespace BashCni.Harness.Reporting;

/// <summary>A link shown with a test (<c>type</c>: link, issue, tms).</summary>
public sealed record AllureLink(string Name, string Url, string Type = "link");
