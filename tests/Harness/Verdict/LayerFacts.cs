namespace BashCni.Harness.Verdict;

/// <summary>
/// Everything the verdict of a run layer is decided from: the layer's own test run and its final-check run (both
/// as the test platform recorded them), what the Allure result files hold for the layer, and where it ran.
/// </summary>
public sealed record LayerFacts(
    string Layer,
    LayerRun Main,
    LayerRun Final,
    AllureLayerResults Report,
    string Target,
    bool Ci);
