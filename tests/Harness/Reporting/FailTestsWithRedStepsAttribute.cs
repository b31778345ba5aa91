using NUnit.Framework;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace BashCni.Harness.Reporting;

/// <summary>
/// <c>[assembly: FailTestsWithRedSteps]</c>: a test of the assembly that passed while one of its steps failed ends
/// failed, naming the step (<see cref="RedSteps"/>). Holds with or without a report being written.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class FailTestsWithRedStepsAttribute : Attribute, ITestAction
{
    public ActionTargets Targets => ActionTargets.Test;

    public void BeforeTest(ITest test)
    {
    }

    public void AfterTest(ITest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        RedSteps.Judge(test, TestExecutionContext.CurrentContext.CurrentResult);
    }
}
