using System.Text.Json.Nodes;
using BashCni.Harness.Cluster;
using BashCni.Harness.Kubernetes;
using BashCni.Harness.Sandbox;

namespace BashCni.Harness.KubeApi;

/// <summary>
/// The <c>local-api</c> cluster target: the embedded cluster (<see cref="LocalCluster"/>) with the strict API model in
/// front of it (<see cref="FakeKubernetesApi"/> on 127.0.0.1, kubelet side <see cref="CriKubelet"/>), driven through
/// <see cref="KubernetesCluster"/> exactly as a real cluster: a kubeconfig, node access over SSH (SSH.NET to each
/// node's sshd through its relay on 127.0.0.1), pods and ephemeral containers through the API. By default it runs the
/// realistic profile (<see cref="LocalApiProfile.Realistic"/>).
/// </summary>
public static class LocalApiTarget
{
    public const string Name = "local-api";

    /// <summary>Starts the embedded cluster with the realistic profile and its API, and connects a <see cref="KubernetesCluster"/>.</summary>
    public static Task<KubernetesCluster> CreateAsync(CancellationToken cancellationToken = default) =>
        CreateAsync(LocalApiProfile.Realistic, null, cancellationToken);

    /// <summary>As <see cref="CreateAsync(CancellationToken)"/> with <paramref name="profile"/>, each lab node prepared
    /// from its plugin directory in <paramref name="pluginDirs"/> (nodes not named: the plugin under test).</summary>
    public static async Task<KubernetesCluster> CreateAsync(LocalApiProfile profile, IReadOnlyDictionary<string, string>? pluginDirs,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var local = await LocalCluster.StartAsync(pluginDirs, profile.Layout, cancellationToken).ConfigureAwait(false);
        LocalApiMachinery? machinery = null;
        try
        {
            if (!profile.GatewayAnswersPing)
            {
                // As a cloud's VPC router: it forwards, but answers no echo request addressed to itself.
                await local.Runner.RunCheckedAsync("ip", ["netns", "exec", "router", "iptables", "-A", "INPUT", "-p", "icmp", "--icmp-type", "echo-request", "-j", "DROP"],
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            var kubelet = new CriKubelet(local);
            if (profile.PulledProbeImage is { } probe)
            {
                kubelet.Registry[probe] = LocalCluster.ProbeImage;
                kubelet.FlakyImages[probe] = true;
            }
            var api = new FakeKubernetesApi(NodeObjects(local.Nodes.Concat(profile.OffMapNodes)), kubelet);
            api.AddNamespace(SystemPods.Namespace);
            var kubeconfig = Path.Combine(local.RunDirectory, "kubeconfig");
            await File.WriteAllTextAsync(kubeconfig, api.Kubeconfig, cancellationToken).ConfigureAwait(false);
            var settings = new KubernetesTargetSettings
            {
                Target = Name,
                KubeconfigPath = kubeconfig,
                NodeAccess = "ssh",
                SshUser = "root",
                SshKeyPath = local.SshClientKey,
                OutsideHost = profile.OutsideHost,
                PodNetwork = profile.Layout.PodNetwork,
            };
            SystemPods? system = null;
            if (profile.SystemPods)
            {
                system = new SystemPods(kubeconfig, [.. LabNodes.Of(local.Nodes).Select(n => n.Name)], LocalCluster.PauseImage);
                kubelet.BeforeTeardown = system.BeforeTeardownAsync;
                kubelet.PodBinding = system.PodBound;
            }
            machinery = new LocalApiMachinery(local, api, kubelet, system, settings, profile, pluginDirs);
            system?.Start();
            return await machinery.ConnectAsync(settings, owner: true, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (machinery is not null) await machinery.DisposeAsync().ConfigureAwait(false);
            else await local.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The node objects the API serves: name and hostname label, the control plane's role label and taint,
    /// InternalIP, podCIDR (as kubeadm's nodes have them).</summary>
    public static JsonArray NodeObjects(IEnumerable<ClusterNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var items = new JsonArray();
        foreach (var node in nodes)
        {
            var master = node.Name == "master";
            var labels = new JsonObject { ["kubernetes.io/hostname"] = node.Name, ["kubernetes.io/os"] = "linux" };
            if (master) labels["node-role.kubernetes.io/control-plane"] = "";
            items.Add(new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = node.Name, ["labels"] = labels },
                ["spec"] = new JsonObject
                {
                    ["podCIDR"] = node.PodCidr,
                    ["podCIDRs"] = new JsonArray(node.PodCidr),
                    ["taints"] = master ? new JsonArray(new JsonObject { ["key"] = "node-role.kubernetes.io/control-plane", ["effect"] = "NoSchedule" }) : null,
                },
                ["status"] = new JsonObject
                {
                    ["addresses"] = new JsonArray(
                        new JsonObject { ["type"] = "InternalIP", ["address"] = node.Address },
                        new JsonObject { ["type"] = "Hostname", ["address"] = node.Name }),
                },
            });
        }
        return items;
    }
}

/// <summary>
/// What a <c>local-api</c> cluster runs on: the embedded nodes, the API in front of them, its kubelet side and system
/// pods. Owned by the <see cref="KubernetesCluster"/> the target returns (<see cref="KubernetesCluster.Owned"/>); more
/// clients may connect to the same cluster with other settings (<see cref="ConnectAsync"/>).
/// </summary>
public sealed class LocalApiMachinery(LocalCluster local, FakeKubernetesApi api, CriKubelet kubelet, SystemPods? systemPods,
    KubernetesTargetSettings settings, LocalApiProfile profile, IReadOnlyDictionary<string, string>? pluginDirs) : IAsyncDisposable
{
    public LocalCluster Local { get; } = local;

    public FakeKubernetesApi Api { get; } = api;

    public CriKubelet Kubelet { get; } = kubelet;

    public SystemPods? SystemPods { get; } = systemPods;

    /// <summary>The settings the target connects with (as a user of a real cluster would set them).</summary>
    public KubernetesTargetSettings Settings { get; } = settings;

    public LocalApiProfile Profile { get; } = profile;

    /// <summary>Connects another <see cref="KubernetesCluster"/> to this cluster with <paramref name="with"/> (e.g. no
    /// BASHCNI_OUTSIDE_HOST); disposing it leaves this cluster running.</summary>
    public Task<KubernetesCluster> ConnectAsync(KubernetesTargetSettings with, CancellationToken cancellationToken = default) =>
        ConnectAsync(with, owner: false, cancellationToken);

    internal async Task<KubernetesCluster> ConnectAsync(KubernetesTargetSettings with, bool owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(with);
        await StageAsync(cancellationToken).ConfigureAwait(false);
        var cluster = await KubernetesCluster.CreateAsync(with, LocalRunner.Instance, AccessFor, owner ? this : null, cancellationToken).ConfigureAwait(false);
        if (Profile.PulledProbeImage is { } probe) cluster.ProbeImage = probe;
        cluster.PluginDirOf = lab => PluginDirFor(lab);
        return cluster;
    }

    private INodeAccess AccessFor(string lab, string clusterName)
    {
        if (Profile.OffMapNodes.FirstOrDefault(n => n.Name == clusterName) is { } off) return new OffMapNodeAccess(clusterName, off.Address);
        var relay = Local.NodeOf(lab).Relay ?? throw new InvalidOperationException($"node {lab} has no SSH relay");
        return new SshNodeAccess(clusterName, new SshEndpoint("127.0.0.1", relay.LocalPort, "root", Local.SshClientKey));
    }

    private readonly Dictionary<string, string> _installDirs = new(StringComparer.Ordinal);

    /// <summary>The directory install.sh runs from on a lab node: the plugin under test, or the node's variant staged
    /// beside the product's install.sh (a broken variant holds only the binaries and lib/).</summary>
    private string PluginDirFor(string lab) => _installDirs.GetValueOrDefault(lab, RepoPaths.PluginDir);

    private async Task StageAsync(CancellationToken ct)
    {
        foreach (var (lab, dir) in pluginDirs ?? new Dictionary<string, string>())
        {
            if (_installDirs.ContainsKey(lab)) continue;
            if (File.Exists(Path.Combine(dir, "install.sh")))
            {
                _installDirs[lab] = dir;
                continue;
            }
            var staged = Path.Combine(Local.RunDirectory, "plugin-" + lab);
            Directory.CreateDirectory(staged);
            await LocalRunner.Instance.RunCheckedAsync("cp", ["-a", "--", dir + "/.", staged + "/"], cancellationToken: ct).ConfigureAwait(false);
            await LocalRunner.Instance.RunCheckedAsync("cp", ["-a", "--", Path.Combine(RepoPaths.Root, "src", "Plugin", "install.sh"), Path.Combine(staged, "install.sh")],
                cancellationToken: ct).ConfigureAwait(false);
            _installDirs[lab] = staged;
        }
    }

    /// <summary>The system pods first (deleted through the API), then the API (its kubelet side finishes what it
    /// started), then the embedded cluster; a system pod problem is thrown after everything was released.</summary>
    public async ValueTask DisposeAsync()
    {
        Exception? problem = null;
        try
        {
            if (SystemPods is not null) await SystemPods.DisposeAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            problem = e;
        }
        try
        {
            await Api.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await Local.DisposeAsync().ConfigureAwait(false);
        }
        if (problem is not null) throw problem;
    }
}
