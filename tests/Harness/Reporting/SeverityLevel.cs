namespace BashCni.Harness.Reporting;

/// <summary>Allure's severity levels.</summary>
public enum SeverityLevel
{
    Blocker,
    Critical,
    Normal,
    Minor,
    Trivial,
}
