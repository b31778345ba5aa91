using System.Text.Json;

namespace BashCni.Harness.Kubernetes;

/// <summary>What <c>terraform output -json</c> of infra/aws tells the harness.</summary>
public sealed record AwsLabOutputs(
    string SshUser,
    string SshPrivateKeyPath,
    IReadOnlyList<string> NodeNames,
    IReadOnlyDictionary<string, string> PublicIps,
    IReadOnlyDictionary<string, string> PrivateIps,
    IReadOnlyDictionary<string, string> PodCidrs,
    string MasterPublicIp,
    string PodNetwork)
{
    /// <summary>Parses the JSON of <c>terraform output -json</c> (each output as {"value": …}).</summary>
    public static AwsLabOutputs Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        JsonElement Value(string name) =>
            root.TryGetProperty(name, out var output) && output.TryGetProperty("value", out var value) ? value
                : throw new FormatException($"terraform output '{name}' is missing");
        IReadOnlyDictionary<string, string> Map(string name) =>
            Value(name).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);

        var names = Value("node_names").EnumerateArray().Select(e => e.GetString() ?? "").ToList();
        var result = new AwsLabOutputs(
            Value("ssh_user").GetString() ?? "ubuntu",
            ExpandHome(Value("ssh_private_key_path").GetString() ?? ""),
            names,
            Map("public_ips"),
            Map("private_ips"),
            Map("pod_cidrs"),
            Value("master_public_ip").GetString() ?? "",
            Value("pod_network").GetString() ?? "10.244.0.0/16");
        foreach (var name in names)
            if (!result.PublicIps.ContainsKey(name) || !result.PrivateIps.ContainsKey(name) || !result.PodCidrs.ContainsKey(name))
                throw new FormatException($"terraform outputs lack an address or pod CIDR for node '{name}'");
        return result;
    }

    /// <summary>The control plane: the first node.</summary>
    public string Master => NodeNames[0];

    public IEnumerable<string> Workers => NodeNames.Skip(1);

    private static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;
}
