namespace BashCni.Harness.Reporting;

/// <summary>A fixture's <c>&lt;uuid&gt;-container.json</c>: its tests and its set-up/tear-down results.</summary>
public sealed class AllureContainer
{
    public string Uuid { get; init; } = Guid.NewGuid().ToString();

    public string Name { get; set; } = "";

    public List<string> Children { get; init; } = [];

    public List<AllureStep> Befores { get; init; } = [];

    public List<AllureStep> Afters { get; init; } = [];

    public long Start { get; set; }

    public long Stop { get; set; }
}
