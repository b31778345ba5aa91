namespace BashCni.Harness.Reporting;

/// <summary>
/// The outcome of a test, step or fixture in the Allure 2 result format.
/// <c>failed</c> is an assertion that did not hold; <c>broken</c> is any other exception (and, in this harness,
/// an NUnit Inconclusive or Warning result, which never count as a pass); <c>skipped</c> is an ignored test.
/// </summary>
public enum AllureStatus
{
    Passed,
    Failed,
    Broken,
    Skipped,
}
