namespace BashCni.Harness.Verdict;

/// <summary>A layer's results as the Allure result files hold them (failed counts failed and broken).</summary>
public sealed record ResultCounts(int Passed, int Failed, int Skipped)
{
    public override string ToString() => $"{Passed} passed, {Failed} failed, {Skipped} skipped";
}
