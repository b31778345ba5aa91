using NUnit.Framework;

namespace BashCni.Harness.Reporting;

/// <summary>
/// The report's <c>epic</c> label for a test, fixture or assembly (behaviour view: epic → feature → story).
/// Stored as the NUnit property "Epic", so it also shows in other NUnit reports.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class EpicAttribute(string name) : PropertyAttribute(PropertyName, name)
{
    public const string PropertyName = "Epic";

    public string Name { get; } = name;
}
