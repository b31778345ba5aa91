namespace BashCni.Harness.Reporting;

/// <summary>How a step ended, decided from what its body returned: the name to show, the status, and why.</summary>
public sealed record StepConclusion(string Name, AllureStatus Status, string? Message = null);
