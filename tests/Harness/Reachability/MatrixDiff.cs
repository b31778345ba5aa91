using System.Text;

namespace BashCni.Harness.Reachability;

/// <summary>
/// The cells where an observed matrix disagrees with the expected one. Cells expected as not applicable are
/// ignored; an observed <see cref="Reach.Error"/> always counts as a difference.
/// </summary>
public sealed class MatrixDiff
{
    /// <summary>The legend printed under diff grids.</summary>
    public const string Legend = "legend: . as expected, - not probed, !no expected yes but no answer, !yes expected no but answered, !ERR probe failed, " +
        "!why expected no, not reached for a reason the expectation does not allow";

    private MatrixDiff(ReachabilityMatrix expected, ReachabilityMatrix observed, IReadOnlyList<CellDifference> differences)
    {
        Expected = expected;
        Observed = observed;
        Differences = differences;
    }

    public ReachabilityMatrix Expected { get; }

    public ReachabilityMatrix Observed { get; }

    public IReadOnlyList<CellDifference> Differences { get; }

    public bool IsEmpty => Differences.Count == 0;

    /// <summary>Number of cells that were compared (expected yes or no).</summary>
    public int ComparedCells => Expected.Cells.Count(c => c.Value is Reach.Yes or Reach.No);

    public static MatrixDiff Compute(ReachabilityMatrix expected, ReachabilityMatrix observed)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(observed);
        if (!expected.HasSameShape(observed))
            throw new ArgumentException(
                $"matrices differ in shape: expected sources [{string.Join(", ", expected.Sources)}] targets [{string.Join(", ", expected.Targets)}], " +
                $"observed sources [{string.Join(", ", observed.Sources)}] targets [{string.Join(", ", observed.Targets)}]");
        var differences = expected.Cells
            .Where(c => c.Value is Reach.Yes or Reach.No && observed[c.Source, c.Target] != c.Value)
            .Select(c => new CellDifference(c.Source, c.Target, c.Value, observed[c.Source, c.Target]))
            .ToList();
        return new MatrixDiff(expected, observed, differences);
    }

    /// <summary>
    /// As <see cref="Compute(ReachabilityMatrix, ReachabilityMatrix)"/>, with the probes' evidence: each difference
    /// carries the observed reason and the reproducing command, and an expected "no" observed for a reason its probe
    /// does not allow (<see cref="PlannedProbe.NoReasons"/>) is a difference too.
    /// </summary>
    public static MatrixDiff Compute(ReachabilityMatrix expected, ReachabilityMatrix observed, IReadOnlyList<ProbeCell> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var byValue = Compute(expected, observed);
        var evidence = new Dictionary<(string, string), ProbeCell>();
        foreach (var cell in cells) evidence[(cell.Source, cell.Target)] = cell;
        var differences = new List<CellDifference>();
        foreach (var c in expected.Cells.Where(c => c.Value is Reach.Yes or Reach.No))
        {
            var seen = observed[c.Source, c.Target];
            evidence.TryGetValue((c.Source, c.Target), out var cell);
            var wrongReason = seen == c.Value && cell is not null && cell.WrongReason;
            if (seen == c.Value && !wrongReason) continue;
            var difference = new CellDifference(c.Source, c.Target, c.Value, seen)
            {
                ObservedReason = cell?.ObservedReason ?? ProbeReason.Unknown,
                Command = cell?.Command ?? "",
            };
            differences.Add(c.Value == Reach.No && cell is not null ? difference with { AllowedReasons = cell.Probe.NoReasons } : difference);
        }
        return new MatrixDiff(byValue.Expected, byValue.Observed, differences);
    }

    /// <summary>The symbol a diff grid shows for one cell.</summary>
    public string CellSymbol(string source, string target)
    {
        var expected = Expected[source, target];
        if (expected is not (Reach.Yes or Reach.No)) return "-";
        var observed = Observed[source, target];
        if (observed == expected)
            return Differences.Any(d => d.WrongReason && d.Source == source && d.Target == target) ? "!why" : ".";
        return "!" + observed.Symbol();
    }

    public string RenderGrid(string title) => ReachabilityGrid.Render(title, Expected, CellSymbol, Legend);

    public override string ToString()
    {
        if (IsEmpty) return $"observed reachability matches the expectation ({ComparedCells} cells)";
        var text = new StringBuilder();
        text.Append(Differences.Count).Append(" of ").Append(ComparedCells).Append(" cells differ from the expectation:\n");
        foreach (var difference in Differences)
            text.Append("  ").Append(difference).Append('\n');
        text.Append(RenderGrid("diff"));
        return text.ToString();
    }
}
