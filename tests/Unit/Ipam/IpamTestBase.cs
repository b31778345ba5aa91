using System.Net;
using BashCni.Harness;
using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Ipam;

/// <summary>
/// Runs the real bash-cni-ipam (from the plugin directory under test) without root: every test gets its own temp
/// directory holding the dataDir and the plugin log, deleted afterwards.
/// </summary>
[Category("Unit")]
[Epic("IPAM plugin (bash-cni-ipam)")]
public abstract class IpamTestBase
{
    public const string IpamType = "bash-cni-ipam";
    public const string NetName = "mynet";
    public const string Subnet24 = "10.244.1.0/24";

    private string? _root;

    /// <summary>The test's own temp directory.</summary>
    protected string TempRoot => _root ?? throw new InvalidOperationException("no test running");

    /// <summary>The dataDir given to the plugin (not created beforehand: the plugin creates it).</summary>
    protected string DataDir => Path.Combine(TempRoot, "data");

    protected string LogPath => Path.Combine(TempRoot, "bash-cni.log");

    /// <summary>Where the reservations of <see cref="NetName"/> live.</summary>
    protected string StoreDir => Path.Combine(DataDir, NetName);

    protected CniPlugin Ipam { get; private set; } = null!;

    [SetUp]
    public void CreateTempRoot()
    {
        _root = Directory.CreateTempSubdirectory("bashcni-unit-").FullName;
        Ipam = CniPlugin.Local(IpamType);
        if (!Ipam.Exists)
            Assert.Fail($"the IPAM plugin under test is missing: {Ipam.PluginPath} (set BASHCNI_PLUGIN_DIR to the directory holding {IpamType})");
    }

    [TearDown]
    public void DeleteTempRoot()
    {
        if (_root is null) return;
        if (File.Exists(LogPath)) Evidence.AttachFile("plugin log", LogPath, "text/plain");
        if (Directory.Exists(StoreDir))
            Evidence.Attach("store after test", string.Join('\n', Store.Snapshot(StoreDir).Select(p => $"{p.Key}: {p.Value}")));
        Directory.Delete(_root, recursive: true);
        _root = null;
    }

    /// <summary>The lab form (IPAM fields at the top level) with this test's dataDir and log file.</summary>
    protected NetworkConfig Lab(string subnet = Subnet24, string cniVersion = CniVersions.V031) =>
        NetworkConfig.Lab(subnet, cniVersion: cniVersion).DataDir(DataDir).LogFile(LogPath);

    /// <summary>The standard form (an "ipam" section of type bash-cni-ipam) with this test's dataDir and log file.</summary>
    protected NetworkConfig Standard(string subnet = Subnet24, string cniVersion = CniVersions.V031) =>
        NetworkConfig.WithIpam(IpamType, subnet, cniVersion: cniVersion).DataDir(DataDir).LogFile(LogPath);

    protected static CniCall Call(string id, NetworkConfig config, string ifname = "eth0") =>
        new(id, $"/var/run/netns/cni-{id}", ifname, config);

    protected Task<CniExchange> AddAsync(string id, NetworkConfig? config = null, string ifname = "eth0") =>
        Ipam.AddAsync(Call(id, config ?? Lab(), ifname));

    protected Task<CniExchange> DelAsync(string id, NetworkConfig? config = null, string ifname = "eth0") =>
        Ipam.DelAsync(Call(id, config ?? Lab(), ifname));

    /// <summary>ADD that must succeed; returns the bare address ("10.244.1.2").</summary>
    protected async Task<string> AllocateAsync(string id, NetworkConfig? config = null, string ifname = "eth0")
    {
        var result = (await AddAsync(id, config, ifname)).EnsureResult();
        Assert.That(result.Ips, Has.Count.EqualTo(1), $"one address per ADD: {result.Json}");
        return result.FirstIp.Ip.ToString();
    }

    /// <summary>DEL that must succeed.</summary>
    protected async Task ReleaseAsync(string id, NetworkConfig? config = null, string ifname = "eth0") =>
        (await DelAsync(id, config, ifname)).EnsureSuccess();

    /// <summary>The reserved addresses of the store: file name (an IP) → content.</summary>
    protected IReadOnlyDictionary<string, string> Reservations() => Store.Reservations(StoreDir);

    /// <summary>
    /// Asserts a CNI error: exit 1, error JSON on stdout with that code and the config's cniVersion. With
    /// <paramref name="anyKnownVersion"/> the error may carry any supported version (for failures found before the
    /// config is read, e.g. a missing CNI_COMMAND).
    /// </summary>
    protected static CniError AssertCniError(CniExchange exchange, int code, string? expectedVersion = null, bool anyKnownVersion = false)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var error = exchange.ExpectError(code);
        var version = anyKnownVersion && CniVersions.IsKnown(error.CniVersion)
            ? error.CniVersion!
            : expectedVersion ?? ConfigVersion(exchange) ?? CniVersions.V031;
        Assert.Multiple(() =>
        {
            Assert.That(exchange.ExitCode, Is.EqualTo(1), $"errors exit 1\n{exchange}");
            Assert.That(CniResultSchema.ValidateError(exchange.Stdout, version), Is.Empty, $"error JSON schema\n{exchange}");
        });
        return error;
    }

    protected static IPAddress Ip(string text) => Cidr.ParseIPv4(text);

    private static string? ConfigVersion(CniExchange exchange)
    {
        try
        {
            return NetworkConfig.Parse(exchange.Stdin).CniVersion;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
