namespace BashCni.Harness.Reporting;

/// <summary>Names of the labels the report understands, and which of them hold one value only.</summary>
public static class AllureLabels
{
    public const string ParentSuite = "parentSuite";
    public const string Suite = "suite";
    public const string SubSuite = "subSuite";
    public const string Epic = "epic";
    public const string Feature = "feature";
    public const string Story = "story";
    public const string Severity = "severity";
    public const string Tag = "tag";
    public const string Host = "host";
    public const string Thread = "thread";
    public const string Framework = "framework";
    public const string Language = "language";
    public const string Package = "package";
    public const string TestClass = "testClass";
    public const string TestMethod = "testMethod";
    public const string Owner = "owner";
    public const string Layer = "layer";

    private static readonly HashSet<string> SingleValued = new(StringComparer.Ordinal)
    {
        ParentSuite, Suite, SubSuite, Severity, Host, Thread, Framework, Language, Package, TestClass, TestMethod, Owner, Layer, ReportRules.CategoryLabel,
    };

    public static bool IsSingleValued(string name) => SingleValued.Contains(name);
}
