namespace BashCni.Harness.Cni;

/// <summary>A call's declared expectation to fail with a CNI error: one of <see cref="Codes"/>, or any code when empty.</summary>
public sealed record ExpectedCniError(IReadOnlyList<int> Codes)
{
    public static ExpectedCniError AnyCode { get; } = new([]);

    public bool Accepts(int code) => Codes.Count == 0 || Codes.Contains(code);

    public override string ToString() => Codes.Count == 0 ? "a CNI error" : "error " + string.Join(" or ", Codes);
}
