namespace BashCni.Harness.Kubernetes;

/// <summary>The API server refused to open an exec stream into a pod's container (RBAC 403, unknown or stopped
/// container 400, kubelet 500); the message names pod, container and the server's answer. A probe that meets it is a
/// probe error, never "no".</summary>
public sealed class PodExecRejectedException(string pod, string container, string answer, Exception? inner = null)
    : Exception($"exec into pod {pod}, container {container} was rejected by the server: {answer}", inner)
{
    public string Pod { get; } = pod;

    public string Container { get; } = container;

    /// <summary>What the server answered (status code and message), or the websocket error when that could not be read.</summary>
    public string Answer { get; } = answer;
}
