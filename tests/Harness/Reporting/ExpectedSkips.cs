namespace BashCni.Harness.Reporting;

/// <summary>
/// The report's view of fixtures/expected-skips: the same list and rules the run's verdict applies
/// (<see cref="Verdict.ExpectedSkips"/>, on this run's cluster target). A skip it allows is filed under the report's
/// "Expected skip" category with that reason, apart from the environment problems.
/// </summary>
public static class ExpectedSkips
{
    private static readonly Lazy<Verdict.ExpectedSkips> List = new(() => Verdict.ExpectedSkips.Read(RepoPaths.Fixture("expected-skips")));

    /// <summary>The reason the file gives for skipping the test on this run's target, or null when it does not allow the skip.</summary>
    public static string? ReasonFor(string fullName) => ReasonFor(List.Value, fullName, Cluster.ClusterFactory.TargetFromEnvironment());

    public static string? ReasonFor(Verdict.ExpectedSkips list, string fullName, string target)
    {
        ArgumentNullException.ThrowIfNull(list);
        return list.Allowing(fullName, target)?.Reason;
    }
}
