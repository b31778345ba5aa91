namespace BashCni.Harness.Reporting;

/// <summary>A step of a test, or a fixture's set-up/tear-down result in a container (same shape).</summary>
public sealed class AllureStep : AllureExecutable;
