namespace BashCni.Harness.Reachability;

/// <summary>
/// A truth table: rows are source pods (where the probe runs), columns are targets (symbolic names such as
/// <c>own-bridge</c> or <c>pod:nginx-worker-2</c>), cells are <see cref="Reach"/> values.
/// </summary>
public sealed class ReachabilityMatrix
{
    private readonly Dictionary<string, int> _sourceIndex;
    private readonly Dictionary<string, int> _targetIndex;
    private readonly Reach[,] _cells;

    public ReachabilityMatrix(IEnumerable<string> sources, IEnumerable<string> targets, Reach initial = Reach.NotApplicable)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(targets);
        Sources = [.. sources];
        Targets = [.. targets];
        _sourceIndex = Index(Sources, "source");
        _targetIndex = Index(Targets, "target");
        _cells = new Reach[Sources.Count, Targets.Count];
        for (var s = 0; s < Sources.Count; s++)
            for (var t = 0; t < Targets.Count; t++)
                _cells[s, t] = initial;
    }

    public IReadOnlyList<string> Sources { get; }

    public IReadOnlyList<string> Targets { get; }

    public Reach this[string source, string target]
    {
        get => _cells[SourceAt(source), TargetAt(target)];
        set => _cells[SourceAt(source), TargetAt(target)] = value;
    }

    /// <summary>Every cell, row by row.</summary>
    public IEnumerable<(string Source, string Target, Reach Value)> Cells
    {
        get
        {
            for (var s = 0; s < Sources.Count; s++)
                for (var t = 0; t < Targets.Count; t++)
                    yield return (Sources[s], Targets[t], _cells[s, t]);
        }
    }

    public bool HasSameShape(ReachabilityMatrix other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Sources.SequenceEqual(other.Sources, StringComparer.Ordinal) && Targets.SequenceEqual(other.Targets, StringComparer.Ordinal);
    }

    public ReachabilityMatrix Clone()
    {
        var copy = new ReachabilityMatrix(Sources, Targets);
        Array.Copy(_cells, copy._cells, _cells.Length);
        return copy;
    }

    /// <summary>Aligned text grid (targets down, sources across) with <see cref="ReachExtensions.Symbol"/> cells.</summary>
    public string Render(string title) => ReachabilityGrid.Render(title, this, (source, target) => this[source, target].Symbol());

    public override string ToString() => Render("reachability");

    private int SourceAt(string source) =>
        _sourceIndex.TryGetValue(source, out var i) ? i
            : throw new KeyNotFoundException($"'{source}' is not a source of this matrix (sources: {string.Join(", ", Sources)})");

    private int TargetAt(string target) =>
        _targetIndex.TryGetValue(target, out var i) ? i
            : throw new KeyNotFoundException($"'{target}' is not a target of this matrix (targets: {string.Join(", ", Targets)})");

    private static Dictionary<string, int> Index(IReadOnlyList<string> names, string what)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
            if (!index.TryAdd(names[i], i))
                throw new ArgumentException($"duplicate {what} '{names[i]}'");
        return index;
    }
}
