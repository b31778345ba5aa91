using System.Text.Json.Nodes;

namespace BashCni.Harness.KubeApi;

/// <summary>A pod the API model holds: its object (spec and status as served) and what the scripted kubelet tracks.</summary>
public sealed class ApiPod(string ns, string name, string nodeName, JsonObject o)
{
    public string Namespace { get; } = ns;
    public string Name { get; } = name;
    public string NodeName { get; } = nodeName;
    public JsonObject Object { get; } = o;
    public string Uid => Object["metadata"]?["uid"]?.GetValue<string>() ?? "";
    public bool Deleted { get; set; }

    // The scripted kubelet's view (ScriptedKubelet).
    public int Step { get; set; }
    public bool Running { get; set; }
    public int TeardownSyncs { get; set; }
    public string? Ip { get; set; }
    public string? HostVeth { get; set; }
    public Dictionary<string, bool> Ephemeral { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> EphemeralImages { get; } = new(StringComparer.Ordinal);
}
