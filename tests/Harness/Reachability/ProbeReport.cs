using System.Text;

namespace BashCni.Harness.Reachability;

/// <summary>What <see cref="ReachabilityProbe.RunAsync"/> observed: the matrix, its diff against the plan, per-cell evidence.</summary>
public sealed class ProbeReport
{
    public ProbeReport(ProbePlan plan, ReachabilityMatrix observed, IReadOnlyList<ProbeCell> cells, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(observed);
        Plan = plan;
        Observed = observed;
        Cells = cells;
        Duration = duration;
        Diff = MatrixDiff.Compute(plan.Expected, observed, cells);
    }

    public ProbePlan Plan { get; }

    public ReachabilityMatrix Observed { get; }

    public IReadOnlyList<ProbeCell> Cells { get; }

    public MatrixDiff Diff { get; }

    public TimeSpan Duration { get; }

    /// <summary>
    /// This report judged against an expectation with one cell flipped (yes ↔ no): the same observations and attempts,
    /// one difference more or less. The report's own browser check uses it to show what a differing cell looks like.
    /// </summary>
    public ProbeReport WithFlippedExpectation(string source, string target)
    {
        var cell = Cell(source, target);
        var flipped = cell.Expected switch
        {
            Reach.Yes => Reach.No,
            Reach.No => Reach.Yes,
            _ => throw new InvalidOperationException($"{source} -> {target} is not compared (expected {cell.Expected.Symbol()})"),
        };
        var plan = Plan.WithExpected(source, target, flipped);
        var cells = Cells.Select(c => ReferenceEquals(c, cell) ? c with { Probe = c.Probe with { Expected = flipped } } : c).ToList();
        return new ProbeReport(plan, Observed, cells, Duration);
    }

    public ProbeCell Cell(string source, string target) =>
        Cells.FirstOrDefault(c => c.Source == source && c.Target == target)
        ?? throw new KeyNotFoundException($"no probe for {source} -> {target}");

    public string ExpectedGrid => Plan.Expected.Render($"expected ({Plan.Stage})");

    public string ObservedGrid => Observed.Render($"observed ({Plan.Stage})");

    public string DiffGrid => Diff.RenderGrid($"diff ({Plan.Stage})");

    /// <summary>Every cell with its attempts (commands, exit codes, output); differing cells first.</summary>
    public string RenderEvidence()
    {
        var text = new StringBuilder();
        text.Append("probes for stage ").Append(Plan.Stage).Append(": ").Append(Cells.Count).Append(" cells, ")
            .Append(Cells.Sum(c => c.Attempts.Count)).Append(" attempts, ")
            .Append(Duration.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)).Append(" s\n");
        foreach (var cell in Cells.OrderBy(c => c.AsExpected))
        {
            text.Append(cell.AsExpected ? "  " : "! ").Append(cell.Source).Append(" -> ").Append(cell.Target);
            if (cell.Probe.Address is not null) text.Append(" (").Append(cell.Probe.Address).Append(')');
            text.Append(": expected ").Append(cell.Expected.Symbol()).Append(", observed ").Append(cell.Observed.Symbol()).Append('\n');
            if (cell.Probe.Problem is not null) text.Append("    cannot probe: ").Append(cell.Probe.Problem).Append('\n');
            foreach (var attempt in cell.Attempts) text.Append("    ").Append(attempt).Append('\n');
        }
        foreach (var note in Plan.Notes) text.Append("  ").Append(note).Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// The first line of a failing assertion's message, the answer: "1 of 38 cells differ: nginx-worker-1 → same-node-pod
    /// expected yes, observed no — no reply: ping -c 1 10.244.1.3" (the first three differing cells, then how many more).
    /// </summary>
    public string Headline
    {
        get
        {
            if (Diff.IsEmpty) return Diff.ToString();
            const int shown = 3;
            var parts = Diff.Differences.Take(shown).Select(d =>
            {
                var cell = Cells.FirstOrDefault(c => c.Source == d.Source && c.Target == d.Target);
                var why = cell is null ? "" : $" — {ReachabilityTable.Reason(cell)}{(cell.Command.Length > 0 ? ": " + cell.Command : "")}";
                return $"{d.Source} → {d.Target} expected {d.Expected.Symbol()}, observed {d.Observed.Symbol()}{why}";
            });
            var more = Diff.Differences.Count > shown ? $"; and {Diff.Differences.Count - shown} more" : "";
            return $"{Diff.Differences.Count} of {Diff.ComparedCells} cells differ: {string.Join("; ", parts)}{more}";
        }
    }

    /// <summary>
    /// The message of a failing assertion: <see cref="Headline"/> first, then the attempts of each differing cell
    /// (commands, exit codes, output). The grids are not repeated here: they are the report's table and attachments.
    /// </summary>
    public override string ToString()
    {
        if (Diff.IsEmpty) return Diff.ToString();
        var text = new StringBuilder();
        text.Append(Headline).Append('\n');
        foreach (var cell in Cells.Where(c => !c.AsExpected))
        {
            text.Append(cell.Source).Append(" -> ").Append(cell.Target).Append(cell.Probe.Address is null ? "" : $" ({cell.Probe.Address})")
                .Append(": expected ").Append(cell.Expected.Symbol()).Append(", observed ").Append(cell.Observed.Symbol()).Append('\n');
            if (cell.Probe.Problem is not null) text.Append("  cannot probe: ").Append(cell.Probe.Problem).Append('\n');
            if (cell.Probe.Problem is null)
                foreach (var attempt in cell.Attempts) text.Append("  ").Append(attempt).Append('\n');
        }
        text.Append("(stage ").Append(Plan.Stage).Append(": expected, observed and diff grids in the attachment \"reachability grids (")
            .Append(Plan.Stage).Append(")\")\n");
        return text.ToString();
    }
}
