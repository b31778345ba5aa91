namespace BashCni.Harness.Reporting;

/// <summary>A reference to a file <c>&lt;uuid&gt;-attachment.&lt;ext&gt;</c> next to the result files.</summary>
public sealed record AllureAttachment(string Name, string Source, string Type);
