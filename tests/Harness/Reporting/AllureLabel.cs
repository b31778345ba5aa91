namespace BashCni.Harness.Reporting;

/// <summary>A label such as <c>suite</c>, <c>feature</c>, <c>severity</c> or <c>tag</c>.</summary>
public sealed record AllureLabel(string Name, string Value);
