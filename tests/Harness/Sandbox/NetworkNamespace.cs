namespace BashCni.Harness.Sandbox;

/// <summary>
/// A named network namespace inside the sandbox (<c>ip netns add</c>), deleted on disposal. Commands run inside it
/// through the sandbox runner with <see cref="CommandOptions.NetNs"/>.
/// </summary>
public class NetworkNamespace : IAsyncDisposable
{
    private int _deleted;

    protected NetworkNamespace(ICommandRunner runner, string name)
    {
        Runner = runner;
        Name = name;
    }

    public ICommandRunner Runner { get; }

    public string Name { get; }

    /// <summary>The path runtimes pass as <c>CNI_NETNS</c>.</summary>
    public string Path => "/var/run/netns/" + Name;

    public bool IsDeleted => Volatile.Read(ref _deleted) == 1;

    /// <summary>Creates the namespace and brings its loopback up.</summary>
    public static async Task<NetworkNamespace> CreateAsync(ICommandRunner runner, string name, CancellationToken ct = default)
    {
        var ns = new NetworkNamespace(runner, name);
        await ns.InitAsync(ct).ConfigureAwait(false);
        return ns;
    }

    protected async Task InitAsync(CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(Runner);
        if (Name.Length == 0 || Name.Length > 64 || Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            throw new ArgumentException($"unsafe namespace name '{Name}'");
        await Runner.RunCheckedAsync("ip", ["netns", "add", Name], null, ct).ConfigureAwait(false);
        await Runner.RunCheckedAsync("ip", ["-n", Name, "link", "set", "lo", "up"], null, ct).ConfigureAwait(false);
    }

    /// <summary>Runs a program inside this namespace (never throws for a non-zero exit).</summary>
    public Task<CommandResult> ExecAsync(string program, IReadOnlyList<string> arguments, CommandOptions? options = null,
        CancellationToken ct = default) =>
        Runner.RunAsync(program, arguments, (options ?? CommandOptions.Default) with { NetNs = Name }, ct);

    /// <summary>Runs a bash script inside this namespace and throws on failure.</summary>
    public Task<CommandResult> BashAsync(string script, CancellationToken ct = default) =>
        Runner.BashAsync(script, new CommandOptions { NetNs = Name }, ct);

    /// <summary>The links of this namespace with details and addresses.</summary>
    public async Task<IReadOnlyList<IpLink>> LinksAsync(CancellationToken ct = default)
    {
        var r = await Runner.RunCheckedAsync("ip", ["-j", "-d", "-n", Name, "addr", "show"], null, ct).ConfigureAwait(false);
        return IpJson.ParseLinks(r.Stdout);
    }

    public async Task<IpLink?> LinkAsync(string name, CancellationToken ct = default) =>
        (await LinksAsync(ct).ConfigureAwait(false)).FirstOrDefault(l => l.Name == name);

    public async Task<IReadOnlyList<IpRoute>> RoutesAsync(CancellationToken ct = default)
    {
        var r = await Runner.RunCheckedAsync("ip", ["-j", "-4", "-n", Name, "route", "show"], null, ct).ConfigureAwait(false);
        return IpJson.ParseRoutes(r.Stdout);
    }

    /// <summary>Deletes the namespace now (as a runtime does when a pod is removed). Idempotent.</summary>
    public async Task DeleteAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _deleted, 1) == 1) return;
        await OnDeletingAsync(ct).ConfigureAwait(false);
        var r = await Runner.RunAsync("ip", ["netns", "del", Name], null, ct).ConfigureAwait(false);
        if (!r.Succeeded && await ExistsAsync(Runner, Name, ct).ConfigureAwait(false))
            throw new CommandFailedException(r);
    }

    /// <summary>Hook for subclasses to remove what they made before the namespace goes.</summary>
    protected virtual Task OnDeletingAsync(CancellationToken ct) => Task.CompletedTask;

    public static async Task<bool> ExistsAsync(ICommandRunner runner, string name, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var r = await runner.RunCheckedAsync("ip", ["-j", "netns", "list"], null, ct).ConfigureAwait(false);
        return IpJson.ParseNetnsNames(r.Stdout).Contains(name);
    }

    public async ValueTask DisposeAsync()
    {
        await DeleteAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    public override string ToString() => Name;
}
