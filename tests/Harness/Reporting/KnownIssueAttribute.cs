using NUnit.Framework;

namespace BashCni.Harness.Reporting;

/// <summary>
/// Marks a test (or fixture) whose failure is a known, tracked problem: a failure lands in the report's
/// "Known issue" category instead of "Plugin defect" (it still fails the run). The text says where it is tracked.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class KnownIssueAttribute(string description) : PropertyAttribute(PropertyName, description)
{
    public const string PropertyName = "KnownIssue";

    public string Description { get; } = description;
}
