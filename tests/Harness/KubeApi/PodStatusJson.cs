using System.Text.Json.Nodes;

namespace BashCni.Harness.KubeApi;

/// <summary>The pod status objects the kubelet writes (k8s.io/api core/v1 types.go PodStatus, ContainerStatus, ContainerState).</summary>
public static class PodStatusJson
{
    public const string Started = "2026-01-01T00:00:00Z";

    public static JsonObject Running() => new() { ["running"] = new JsonObject { ["startedAt"] = Started } };

    public static JsonObject Waiting(string? reason, string? message) =>
        new() { ["waiting"] = new JsonObject { ["reason"] = reason, ["message"] = message } };

    public static JsonObject Terminated(int exitCode, string? reason, string? message) =>
        new() { ["terminated"] = new JsonObject { ["exitCode"] = exitCode, ["reason"] = reason, ["message"] = message } };

    public static JsonObject Container(string name, string image, bool ready, JsonObject state, string? imageId, int restartCount = 0)
    {
        var status = new JsonObject { ["name"] = name, ["image"] = image };
        if (imageId is not null) status["imageID"] = imageId;
        status["ready"] = ready; // [conv] ephemeral containers are never ready (no probes)
        status["restartCount"] = restartCount;
        status["state"] = state;
        return status;
    }

    public static JsonObject Pod(bool running, string hostIp, string? podIp, JsonArray containers, JsonArray ephemeral, string? phase = null) => new()
    {
        ["phase"] = phase ?? (running ? "Running" : "Pending"),
        ["hostIP"] = hostIp,
        ["podIP"] = podIp,
        ["conditions"] = new JsonArray(
            new JsonObject { ["type"] = "PodScheduled", ["status"] = "True" },
            new JsonObject { ["type"] = "Ready", ["status"] = running ? "True" : "False" }),
        ["containerStatuses"] = containers,
        ["ephemeralContainerStatuses"] = ephemeral.Count > 0 ? ephemeral : null,
    };
}
