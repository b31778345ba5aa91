using NUnit.Framework;

namespace BashCni.Harness.Reporting;

/// <summary>How much a failure of this test matters (the report's <c>severity</c> label); default normal.</summary>
[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class SeverityAttribute(SeverityLevel level) : PropertyAttribute(PropertyName, level.ToString().ToLowerInvariant())
{
    public const string PropertyName = "Severity";

    public SeverityLevel Level { get; } = level;
}
