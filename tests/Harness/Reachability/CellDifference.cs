namespace BashCni.Harness.Reachability;

/// <summary>A cell whose observed value is not the expected one.</summary>
public sealed record CellDifference(string Source, string Target, Reach Expected, Reach Observed)
{
    public override string ToString() =>
        $"{Source} -> {Target}: expected {Expected.Symbol()}, observed {Observed.Symbol()}";
}
