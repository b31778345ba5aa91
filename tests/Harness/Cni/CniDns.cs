namespace BashCni.Harness.Cni;

/// <summary>A result's <c>dns</c> object.</summary>
public sealed record CniDns(IReadOnlyList<string> Nameservers, string? Domain, IReadOnlyList<string> Search, IReadOnlyList<string> Options)
{
    public static CniDns Empty { get; } = new([], null, [], []);

    public bool IsEmpty => Nameservers.Count == 0 && Domain is null && Search.Count == 0 && Options.Count == 0;
}
