namespace BashCni.Tests.Cluster.Checks;

/// <summary>
/// The problems a cluster check found, and which of them are set-up failures: the check could not look at what it
/// checks (a pod that does not exist or has no IP, where the check is about something else). The cluster self-test
/// knows a set-up failure by how the check recorded it, never by its wording.
/// </summary>
public sealed class ClusterFindings
{
    private readonly List<string> _problems = [];
    private readonly List<string> _setUp = [];

    public IReadOnlyList<string> Problems => _problems;

    public IReadOnlyList<string> SetUpFailures => _setUp;

    public void Add(string problem) => _problems.Add(problem);

    /// <summary>A problem that kept the check from looking at its subject; it fails the check like any other.</summary>
    public void SetUp(string problem)
    {
        _problems.Add(problem);
        _setUp.Add(problem);
    }
}
