namespace BashCni.Harness.Cni;

/// <summary>An entry of a result's <c>routes</c>.</summary>
public sealed record CniRoute(string Dst, string? Gw);
