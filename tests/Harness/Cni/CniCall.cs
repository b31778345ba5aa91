namespace BashCni.Harness.Cni;

/// <summary>
/// One plugin invocation's inputs: CNI_CONTAINERID, CNI_NETNS (null → empty, as runtimes send on a late DEL),
/// CNI_IFNAME and the config for stdin.
/// </summary>
public sealed record CniCall(string ContainerId, string? NetNs, string IfName, NetworkConfig Config)
{
    /// <summary>CNI_ARGS ("K=V;K2=V2"); null → empty.</summary>
    public string? Args { get; init; }

    /// <summary>Extra or overriding environment variables, applied last; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?>? ExtraEnv { get; init; }

    /// <summary>Sent on stdin instead of <see cref="Config"/> (e.g. malformed JSON); the config still names the expected version.</summary>
    public string? RawStdin { get; init; }

    /// <summary>
    /// Set when the test expects this call to fail the CNI way: the report step then reads
    /// "ADD eth0 → error 111 as expected" and stays green when it does, and is red when the call succeeds or fails
    /// differently. Null (the default): the call is expected to succeed, and an error shows as a red step.
    /// </summary>
    public ExpectedCniError? ExpectedError { get; init; }

    /// <summary>A copy that expects a CNI error: one of <paramref name="codes"/>, or any code when none is given.</summary>
    public CniCall ExpectingError(params int[] codes) => this with { ExpectedError = new ExpectedCniError([.. codes ?? []]) };

    /// <summary>What goes to stdin.</summary>
    public string Stdin => RawStdin ?? Config.ToJson();

    /// <summary>A copy with one more environment override (null value removes the variable).</summary>
    public CniCall WithEnv(string name, string? value)
    {
        var env = new Dictionary<string, string?>(ExtraEnv ?? new Dictionary<string, string?>(), StringComparer.Ordinal) { [name] = value };
        return this with { ExtraEnv = env };
    }

    /// <summary>Formats CNI_ARGS from pairs: ("K8S_POD_NAME","x") → "K8S_POD_NAME=x".</summary>
    public static string FormatArgs(params (string Key, string Value)[] pairs) =>
        string.Join(';', (pairs ?? []).Select(p => p.Key + "=" + p.Value));
}
