namespace BashCni.Harness.Kubernetes;

/// <summary>
/// Thrown when a Kubernetes-backed cluster target was chosen but what it needs is not set. The message names what
/// to set; the cluster layer fails every test with it (an explicitly chosen target that cannot run is red, never a skip).
/// </summary>
public sealed class ClusterNotConfiguredException : Exception
{
    public ClusterNotConfiguredException(string target, string whatToSet)
        : base($"cluster target '{target}' is not configured: {whatToSet}")
    {
        Target = target;
        WhatToSet = whatToSet;
    }

    /// <summary>"kind", "kubeconfig" or "aws".</summary>
    public string Target { get; }

    /// <summary>The settings (environment variables, tools) missing, in words.</summary>
    public string WhatToSet { get; }
}
