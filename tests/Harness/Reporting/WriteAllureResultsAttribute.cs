using NUnit.Framework;
using NUnit.Framework.Interfaces;

namespace BashCni.Harness.Reporting;

/// <summary>
/// Turns Allure reporting on for a test assembly: <c>[assembly: WriteAllureResults]</c>. Every test gets a
/// <c>&lt;uuid&gt;-result.json</c> in $ALLURE_RESULTS_DIR (default &lt;repo&gt;/allure-results) when it ends; when the
/// assembly ends, tests that never started (ignored, or their fixture's set-up failed) get theirs, each fixture
/// gets a container, and <c>environment.properties</c>/<c>executor.json</c> are written.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class WriteAllureResultsAttribute : Attribute, ITestAction
{
    public ActionTargets Targets => ActionTargets.Test | ActionTargets.Suite;

    public void BeforeTest(ITest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (test.TestType == "Assembly") NUnitAllureHook.AssemblyStarted(test);
        else if (!test.IsSuite) NUnitAllureHook.TestStarted(test);
    }

    public void AfterTest(ITest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (test.TestType == "Assembly") NUnitAllureHook.AssemblyFinished();
        else if (!test.IsSuite)
        {
            // The result written is the final one: a passed test with a red step fails first (whichever action runs first).
            RedSteps.Judge(test, NUnit.Framework.Internal.TestExecutionContext.CurrentContext.CurrentResult);
            NUnitAllureHook.TestFinished(test);
        }
    }
}
