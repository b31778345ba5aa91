using BashCni.Harness.Reporting;

namespace BashCni.Tests.Cluster.Checks;

/// <summary>
/// The outcome of one cluster check run against a cluster, as a value: the layer's tests assert it passed on the
/// plugin under test, the cluster self-test asserts it failed, with the named problem, on a deliberately broken one.
/// </summary>
public sealed record ClusterVerdict(string Check, IReadOnlyList<string> Problems, string Detail = "")
{
    public bool Passed => Problems.Count == 0;

    public static ClusterVerdict Of(string check, IEnumerable<string> problems, string detail = "") => new(check, problems.ToList(), detail);

    /// <summary>A verdict whose set-up failures (<see cref="ClusterFindings.SetUp"/>) are kept apart from the findings.</summary>
    public static ClusterVerdict Of(string check, ClusterFindings findings, string detail = "")
    {
        ArgumentNullException.ThrowIfNull(findings);
        return new(check, findings.Problems.ToList(), detail) { SetUpFailures = findings.SetUpFailures.ToList() };
    }

    /// <summary>The problems (among <see cref="Problems"/>) that kept the check from looking at its subject.</summary>
    public IReadOnlyList<string> SetUpFailures { get; init; } = [];

    /// <summary>Records the check as a step of the report and fails the current test with every problem listed (the first line is the answer).</summary>
    public void AssertPassed()
    {
        CheckSteps.Record(Check, Problems, []);
        if (!Passed) Assert.Fail(ToString());
    }

    public override string ToString() =>
        Passed ? $"{Check}: passed" + (Detail.Length > 0 ? "\n" + Detail : "") : CheckMessage.Failed(Check, Problems, SetUpFailures, detail: Detail);
}
