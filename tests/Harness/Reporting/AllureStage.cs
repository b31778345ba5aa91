namespace BashCni.Harness.Reporting;

/// <summary>Where a test, step or fixture is in its life cycle (Allure's <c>stage</c>).</summary>
public enum AllureStage
{
    Scheduled,
    Running,
    Finished,
    Pending,
    Interrupted,
}
