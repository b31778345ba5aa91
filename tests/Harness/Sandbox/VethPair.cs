namespace BashCni.Harness.Sandbox;

/// <summary>
/// A veth pair inside the sandbox: end A in namespace <see cref="NamespaceA"/> (null = the sandbox's own), end B in
/// <see cref="NamespaceB"/>. Deleting either end deletes both; disposal deletes end A if it still exists.
/// </summary>
public sealed class VethPair : IAsyncDisposable
{
    private readonly ICommandRunner _runner;
    private int _disposed;

    private VethPair(ICommandRunner runner, string nameA, string? nsA, string nameB, string? nsB)
    {
        _runner = runner;
        NameA = nameA;
        NamespaceA = nsA;
        NameB = nameB;
        NamespaceB = nsB;
    }

    public string NameA { get; }
    public string? NamespaceA { get; }
    public string NameB { get; }
    public string? NamespaceB { get; }

    public static async Task<VethPair> CreateAsync(ICommandRunner runner, string nameA, string? nsA, string nameB, string? nsB,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        foreach (var n in new[] { nameA, nameB })
            if (n.Length is 0 or > 15 || n.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
                throw new ArgumentException($"invalid link name '{n}'");
        var args = new List<string>();
        if (nsA is not null) args.AddRange(["-n", nsA]);
        args.AddRange(["link", "add", nameA, "type", "veth", "peer", "name", nameB]);
        if (nsB is not null) args.AddRange(["netns", nsB]);
        await runner.RunCheckedAsync("ip", args, null, ct).ConfigureAwait(false);
        var pair = new VethPair(runner, nameA, nsA, nameB, nsB);
        await pair.SetUpAsync(nameA, nsA, ct).ConfigureAwait(false);
        await pair.SetUpAsync(nameB, nsB, ct).ConfigureAwait(false);
        return pair;
    }

    private Task<CommandResult> SetUpAsync(string name, string? ns, CancellationToken ct) =>
        _runner.RunCheckedAsync("ip", ns is null ? ["link", "set", name, "up"] : ["-n", ns, "link", "set", name, "up"], null, ct);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        // Gone already when its namespace was deleted: ignore a failure then.
        await _runner.RunAsync("ip", NamespaceA is null ? ["link", "del", NameA] : ["-n", NamespaceA, "link", "del", NameA])
            .ConfigureAwait(false);
    }
}
