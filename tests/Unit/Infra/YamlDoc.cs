using NUnit.Framework;
using YamlDotNet.RepresentationModel;

namespace BashCni.Tests.Unit.Infra;

/// <summary>Small helpers over YamlDotNet's representation model.</summary>
internal static class YamlDoc
{
    public static YamlMappingNode Load(string text)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(text);
        stream.Load(reader);
        return stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode root
            ? root
            : throw new FormatException("expected one YAML document whose root is a mapping");
    }

    public static YamlNode? Get(this YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static string? Text(this YamlNode? node) => (node as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(this YamlNode? node) => (node as YamlSequenceNode)?.Children ?? [];

    public static IEnumerable<(string Key, YamlNode Value)> Entries(this YamlNode? node) =>
        (node as YamlMappingNode)?.Children.Select(p => (((YamlScalarNode)p.Key).Value ?? "", p.Value)) ?? [];
}
