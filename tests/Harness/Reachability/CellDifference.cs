namespace BashCni.Harness.Reachability;

/// <summary>A cell whose observed value is not the expected one, or an expected "no" observed for a reason the
/// expectation does not allow (then <see cref="Expected"/> and <see cref="Observed"/> are both "no").</summary>
public sealed record CellDifference(string Source, string Target, Reach Expected, Reach Observed)
{
    /// <summary>Why the observed value was observed (<see cref="ProbeReason.Unknown"/> when only matrices were compared).</summary>
    public ProbeReason ObservedReason { get; init; } = ProbeReason.Unknown;

    /// <summary>The exact command that reproduces the cell (empty when only matrices were compared or nothing ran).</summary>
    public string Command { get; init; } = "";

    /// <summary>The reasons the expectation allows for an expected "no" (empty when it does not apply).</summary>
    public IReadOnlySet<ProbeReason> AllowedReasons { get; init; } = None;

    private static readonly IReadOnlySet<ProbeReason> None = new HashSet<ProbeReason>();

    /// <summary>Equal when cell, values, reason and command are (the allowed reasons compared by content).</summary>
    public bool Equals(CellDifference? other) =>
        other is not null && Source == other.Source && Target == other.Target && Expected == other.Expected && Observed == other.Observed
        && ObservedReason == other.ObservedReason && Command == other.Command && AllowedReasons.SetEquals(other.AllowedReasons);

    public override int GetHashCode() => HashCode.Combine(Source, Target, Expected, Observed, ObservedReason, Command);

    /// <summary>The values agree; the reason does not.</summary>
    public bool WrongReason => Expected == Observed;

    public override string ToString() =>
        $"{Source} -> {Target}: expected {Expected.Symbol()}" +
        (WrongReason ? $" ({string.Join(" or ", AllowedReasons.Order().Select(r => r.Words()))})" : "") +
        $", observed {Observed.Symbol()}{(ObservedReason == ProbeReason.Unknown ? "" : $" ({ObservedReason.Words()})")}" +
        (Command.Length == 0 ? "" : $" — reproduce: {Command}");
}
