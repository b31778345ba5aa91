namespace BashCni.Harness.Reporting;

/// <summary>A named parameter of a test (a <c>[TestCase]</c> argument) or of a step.</summary>
public sealed record AllureParameter(string Name, string Value);
