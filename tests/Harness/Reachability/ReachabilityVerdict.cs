namespace BashCni.Harness.Reachability;

/// <summary>The outcome of one stage's scenario: assert <c>Assert.That(verdict.Diff.IsEmpty, verdict.ToString())</c>.</summary>
public sealed class ReachabilityVerdict(ExpectedMatrix expectation, ProbeReport report)
{
    public string Stage => Report.Plan.Stage;

    public ExpectedMatrix Expectation { get; } = expectation;

    public ProbeReport Report { get; } = report;

    public MatrixDiff Diff => Report.Diff;

    public bool IsMatch => Diff.IsEmpty;

    /// <summary>Expected, observed and diff grids, one after the other.</summary>
    public string Grids => Report.ExpectedGrid + "\n" + Report.ObservedGrid + "\n" + Report.DiffGrid;

    /// <summary>The answer first (<see cref="ProbeReport.Headline"/>), then the evidence of the differing cells and where the expectation comes from.</summary>
    public override string ToString() => $"{Report}expectation: stage {Stage} ({Expectation.Origin})";
}
