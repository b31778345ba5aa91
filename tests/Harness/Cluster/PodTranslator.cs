using BashCni.Harness.Cri.V1;
using k8s.Models;

namespace BashCni.Harness.Cluster;

/// <summary>Maps a <see cref="V1Pod"/> to the CRI configs kubelet would send for it (the subset the lab uses).</summary>
public static class PodTranslator
{
    public const string HostnameLabel = "kubernetes.io/hostname";

    /// <summary>The node the pod is meant for: spec.nodeName, else nodeSelector kubernetes.io/hostname, else null.</summary>
    public static string? TargetNode(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (!string.IsNullOrEmpty(pod.Spec?.NodeName)) return pod.Spec.NodeName;
        return pod.Spec?.NodeSelector is { } selector && selector.TryGetValue(HostnameLabel, out var node) ? node : null;
    }

    public static string Name(V1Pod pod) =>
        pod?.Metadata?.Name ?? throw new ArgumentException("the pod has no metadata.name", nameof(pod));

    public static string Namespace(V1Pod pod) =>
        string.IsNullOrEmpty(pod?.Metadata?.NamespaceProperty) ? "default" : pod.Metadata.NamespaceProperty;

    /// <summary>The sandbox config: kubelet-style metadata (name, namespace, uid) so the runtime passes K8S_POD_* to CNI.</summary>
    public static PodSandboxConfig SandboxConfig(V1Pod pod, string uid, string cgroupParent, uint attempt = 0)
    {
        var name = Name(pod);
        var ns = Namespace(pod);
        var config = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = name, Namespace = ns, Uid = uid, Attempt = attempt },
            Hostname = name,
            LogDirectory = $"/var/log/pods/{ns}_{name}_{uid}",
            Linux = new LinuxPodSandboxConfig
            {
                CgroupParent = cgroupParent,
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
                },
            },
        };
        if (pod.Metadata?.Labels is { } labels)
            foreach (var (key, value) in labels) config.Labels[key] = value;
        config.Labels["io.kubernetes.pod.name"] = name;
        config.Labels["io.kubernetes.pod.namespace"] = ns;
        config.Labels["io.kubernetes.pod.uid"] = uid;
        return config;
    }

    /// <summary>One container's config: image, command/args, env, log path relative to the sandbox's log directory.</summary>
    public static ContainerConfig ContainerConfig(V1Pod pod, V1Container container, string uid)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (string.IsNullOrEmpty(container.Image)) throw new ArgumentException($"container {container.Name} has no image", nameof(container));
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = container.Name, Attempt = 0 },
            Image = new ImageSpec { Image = container.Image },
            WorkingDir = container.WorkingDir ?? "",
            LogPath = $"{container.Name}/0.log",
            Linux = new LinuxContainerConfig { SecurityContext = new LinuxContainerSecurityContext() },
        };
        if (container.Command is { } command) config.Command.AddRange(command);
        if (container.Args is { } args) config.Args.AddRange(args);
        if (container.Env is { } env)
            foreach (var variable in env)
                config.Envs.Add(new KeyValue { Key = variable.Name, Value = variable.Value ?? "" });
        if (container.SecurityContext?.Privileged == true) config.Linux.SecurityContext.Privileged = true;
        if (container.SecurityContext?.Capabilities?.Add is { } add) config.Linux.SecurityContext.Capabilities = new Capability { AddCapabilities = { add } };
        config.Labels["io.kubernetes.container.name"] = container.Name;
        config.Labels["io.kubernetes.pod.name"] = Name(pod);
        config.Labels["io.kubernetes.pod.namespace"] = Namespace(pod);
        config.Labels["io.kubernetes.pod.uid"] = uid;
        return config;
    }
}
