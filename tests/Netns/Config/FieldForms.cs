using System.Text.Json.Nodes;
using BashCni.Harness.Cni;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Config;

/// <summary>A node's config written in one <see cref="ConfigForm"/>, and a field set where that form keeps it.</summary>
public sealed class FieldForms(TestNode node, ConfigForm form)
{
    private static readonly string[] RangeFields = ["subnet", "rangeStart", "rangeEnd", "gateway"];

    public TestNode Node { get; } = node;

    public ConfigForm Form { get; } = form;

    /// <summary>The node's lab config (subnet, dataDir, log) rewritten into <see cref="Form"/>.</summary>
    public NetworkConfig Base()
    {
        var o = Node.Config().ToJsonObject();
        if (Form == ConfigForm.Top) return NetworkConfig.Parse(o.ToJsonString());
        var subnet = o["subnet"]!.DeepClone();
        var dataDir = o["dataDir"]!.DeepClone();
        o.Remove("subnet");
        o.Remove("network");
        var ipam = new JsonObject { ["type"] = "bash-cni-ipam" };
        switch (Form)
        {
            case ConfigForm.Ipam:
                o.Remove("dataDir");
                ipam["subnet"] = subnet;
                ipam["dataDir"] = dataDir;
                break;
            case ConfigForm.Ranges:
                o.Remove("dataDir");
                ipam["dataDir"] = dataDir;
                ipam["ranges"] = new JsonArray(new JsonArray(new JsonObject { ["subnet"] = subnet }));
                break;
            case ConfigForm.TopOfIpamForm:
                ipam["subnet"] = subnet;
                break;
        }
        o["ipam"] = ipam;
        return NetworkConfig.Parse(o.ToJsonString());
    }

    /// <summary><paramref name="config"/> with <paramref name="field"/> = <paramref name="value"/> where the form keeps it.</summary>
    public NetworkConfig Set(NetworkConfig config, string field, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(config);
        var o = config.ToJsonObject();
        var target = Form switch
        {
            ConfigForm.Top or ConfigForm.TopOfIpamForm => o,
            ConfigForm.Ipam => (JsonObject)o["ipam"]!,
            ConfigForm.Ranges when RangeFields.Contains(field) => (JsonObject)o["ipam"]!["ranges"]![0]![0]!,
            _ => (JsonObject)o["ipam"]!,
        };
        target[field] = value?.DeepClone();
        return NetworkConfig.Parse(o.ToJsonString());
    }

    /// <summary>The base config with one field set.</summary>
    public NetworkConfig With(string field, JsonNode? value) => Set(Base(), field, value);
}
