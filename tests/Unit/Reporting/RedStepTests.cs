using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;
using NUnit.Framework;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;
using NUnit.Framework.Internal.Commands;

namespace BashCni.Tests.Unit.Reporting;

/// <summary>
/// A red step inside a green test makes the test red. Each case runs a sample test body through NUnit's own command
/// chain with the test actions this assembly declares (all but the Allure writer, which would add a result to the
/// run's report), so what is checked is what a layer's test goes through. The plugin is a tiny script that refuses
/// every ADD with code 7.
/// </summary>
[Category("Unit")]
[Feature("Allure results")]
public sealed class RedStepTests
{
    private string _dir = "";
    private CniPlugin _plugin = null!;

    private static readonly CniCall Call = new("ctr-1", null, "eth0", NetworkConfig.Lab("10.244.1.0/24"));

    [OneTimeSetUp]
    public async Task CreatePluginAsync()
    {
        _dir = Directory.CreateTempSubdirectory("bashcni-redstep-").FullName;
        var path = Path.Combine(_dir, "refuses");
        await File.WriteAllTextAsync(path, "#!/bin/sh\nprintf '%s\\n' '{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"refused\"}'\nexit 1\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _plugin = new CniPlugin(_dir, "refuses", LocalRunner.Instance);
    }

    [OneTimeTearDown]
    public void DeletePlugin() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void APassedTestWithAnUnexpectedlyRefusedCallFailsNamingTheStep()
    {
        var result = RunSample(() => _plugin.AddAsync(Call).GetAwaiter().GetResult());
        Assert.Multiple(() =>
        {
            Assert.That(result.ResultState.Status, Is.EqualTo(TestStatus.Failed), "the test passed although its ADD step failed");
            Assert.That(result.Message, Does.Contain("ADD eth0 → error 7: refused"));
        });
    }

    [Test]
    public void AnExceptionCaughtByTheTestStillLeavesItsStepRed()
    {
        var result = RunSample(() =>
        {
            try
            {
                Evidence.StepAsync("clean up", () => Task.FromException(new InvalidOperationException("DEL failed"))).GetAwaiter().GetResult();
            }
            catch (InvalidOperationException)
            {
                // The test swallows what its step reported: the step's failure still counts.
            }
        });
        Assert.Multiple(() =>
        {
            Assert.That(result.ResultState.Status, Is.EqualTo(TestStatus.Failed));
            Assert.That(result.Message, Does.Contain("clean up: InvalidOperationException: DEL failed"));
        });
    }

    [Test]
    public void ARefusalTheTestDeclaresStaysGreen()
    {
        var declaredBefore = RunSample(() => _plugin.AddAsync(Call.ExpectingError(7)).GetAwaiter().GetResult());
        var checkedAfter = RunSample(() => _plugin.AddAsync(Call).GetAwaiter().GetResult().ExpectError(7));
        var insideExpect = RunSample(() =>
        {
            using (RedSteps.Expect("a broken plugin under a check"))
                _plugin.AddAsync(Call).GetAwaiter().GetResult();
        });
        Assert.Multiple(() =>
        {
            Assert.That(declaredBefore.ResultState.Status, Is.EqualTo(TestStatus.Passed), declaredBefore.Message);
            Assert.That(checkedAfter.ResultState.Status, Is.EqualTo(TestStatus.Passed), checkedAfter.Message);
            Assert.That(insideExpect.ResultState.Status, Is.EqualTo(TestStatus.Passed), insideExpect.Message);
        });
    }

    [Test]
    public void ARefusalWithAnotherCodeThanDeclaredIsRed()
    {
        var result = RunSample(() => _plugin.AddAsync(Call.ExpectingError(111)).GetAwaiter().GetResult());
        Assert.That(result.ResultState.Status, Is.EqualTo(TestStatus.Failed));
    }

    [Test]
    public void ATestThatFailedKeepsItsOwnFailureAndPassingStepsChangeNothing()
    {
        var failed = RunSample(() =>
        {
            _plugin.AddAsync(Call).GetAwaiter().GetResult();
            Assert.Fail("the test's own assertion");
        });
        var green = RunSample(() => Evidence.StepAsync("fine", () => Task.CompletedTask).GetAwaiter().GetResult());
        Assert.Multiple(() =>
        {
            Assert.That(failed.ResultState.Status, Is.EqualTo(TestStatus.Failed));
            Assert.That(failed.Message, Does.Contain("the test's own assertion").And.Not.Contain("step(s) of this test failed"));
            Assert.That(green.ResultState.Status, Is.EqualTo(TestStatus.Passed), green.Message);
        });
    }

    /// <summary>Runs <paramref name="body"/> as the body of a fresh test, wrapped in this assembly's test actions.</summary>
    private static TestResult RunSample(Action body)
    {
        var test = new TestMethod(new MethodWrapper(typeof(RedStepTests), nameof(Sample)));
        TestCommand command = new BodyCommand(test, body);
        foreach (var action in typeof(RedStepTests).Assembly.GetCustomAttributes(inherit: false).OfType<ITestAction>())
            if (action is not WriteAllureResultsAttribute) command = new TestActionCommand(command, action);
        using (new TestExecutionContext.IsolatedContext())
        {
            var context = TestExecutionContext.CurrentContext;
            context.CurrentTest = test;
            context.CurrentResult = test.MakeTestResult();
            return command.Execute(context);
        }
    }

    /// <summary>Stands for the sample test's method (its name and fixture); the body run is the case's.</summary>
    public static void Sample()
    {
    }

    private sealed class BodyCommand(Test test, Action body) : TestCommand(test)
    {
        public override TestResult Execute(TestExecutionContext context)
        {
            try
            {
                body();
                context.CurrentResult.SetResult(ResultState.Success);
            }
            catch (Exception exception)
            {
                context.CurrentResult.RecordException(exception);
            }
            return context.CurrentResult;
        }
    }
}
