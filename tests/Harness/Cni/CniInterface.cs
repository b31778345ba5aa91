namespace BashCni.Harness.Cni;

/// <summary>An entry of a result's <c>interfaces</c>; <see cref="Sandbox"/> is the netns path (empty/null for host-side interfaces).</summary>
public sealed record CniInterface(string Name, string? Mac, string? Sandbox)
{
    /// <summary>1.1.0 only.</summary>
    public int? Mtu { get; init; }

    public bool IsHostSide => string.IsNullOrEmpty(Sandbox);
}
