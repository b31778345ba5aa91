using System.Collections.Concurrent;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace BashCni.Harness.Reporting;

/// <summary>
/// A red step inside a green test makes the test red. Every <see cref="Evidence"/> step of a running NUnit test is
/// recorded here (report or not); when the test ends (<see cref="FailTestsWithRedStepsAttribute"/>, and the Allure hook
/// before it writes the result) a test that passed but holds a failed step is failed, naming the step. A step fails
/// when its body threw (other than Assert.Pass/Ignore) or its conclusion said so (a plugin call that ended otherwise
/// than the test declared). A test whose subject is a failing step says so: the call declares the error it expects
/// (<c>CniCall.ExpectingError</c>, or <c>ExpectError</c> on the exchange afterwards), or the steps run inside
/// <see cref="Expect"/> (a deliberately broken plugin under a check).
/// </summary>
public static class RedSteps
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<StepRecord>> ByTest = new(StringComparer.Ordinal);
    private static readonly AsyncLocal<string?> ExpectedBecause = new();

    /// <summary>
    /// Steps started in this async flow until the scope is disposed may fail without failing the test: the test judges
    /// their outcome itself (e.g. the self-test requires that a check fails on a broken variant).
    /// </summary>
    public static IDisposable Expect(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var previous = ExpectedBecause.Value;
        ExpectedBecause.Value = reason;
        return new Restore(previous);
    }

    /// <summary>Starts the record of a step of the NUnit test (or fixture) running in this flow; null outside one.</summary>
    internal static StepRecord? Open(string name)
    {
        var test = TestExecutionContext.CurrentContext?.CurrentTest;
        if (test is null) return null;
        var record = new StepRecord(name, ExpectedBecause.Value);
        ByTest.GetOrAdd(test.Id, _ => new ConcurrentQueue<StepRecord>()).Enqueue(record);
        return record;
    }

    /// <summary>The failed steps among <paramref name="records"/> whose failure nobody declared expected.</summary>
    public static IReadOnlyList<StepRecord> Unexpected(IEnumerable<StepRecord> records) =>
        records.Where(r => r.Failed && r.ExpectedBecause is null).ToList();

    /// <summary>The message a passed test with red steps fails with: each step by name and why it failed.</summary>
    public static string Describe(IReadOnlyList<StepRecord> red)
    {
        ArgumentNullException.ThrowIfNull(red);
        const int shown = 5;
        var lines = red.Take(shown).Select(r => "  - " + r);
        var more = red.Count > shown ? $"\n  … and {red.Count - shown} more" : "";
        return $"{red.Count} step(s) of this test failed while the test passed (a call that ends otherwise than the test " +
               $"declared is a failure; declare an expected error with CniCall.ExpectingError or ExpectError):\n{string.Join('\n', lines)}{more}";
    }

    /// <summary>
    /// Ends the records of <paramref name="test"/> and, when its result passed but a step of it failed unexpectedly,
    /// fails the result naming the steps. Idempotent: a second call finds no records.
    /// </summary>
    public static void Judge(ITest test, TestResult result)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(result);
        if (test.IsSuite || !ByTest.TryRemove(test.Id, out var records)) return;
        if (result.ResultState.Status != TestStatus.Passed) return;
        var red = Unexpected(records);
        if (red.Count == 0) return;
        var message = Describe(red);
        result.RecordAssertion(AssertionStatus.Failed, message);
        result.SetResult(ResultState.Failure, message);
    }

    private sealed class Restore(string? previous) : IDisposable
    {
        public void Dispose() => ExpectedBecause.Value = previous;
    }
}
