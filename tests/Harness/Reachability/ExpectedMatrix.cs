using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BashCni.Harness.Reachability;

/// <summary>
/// The expectation for one stage, read from fixtures/reachability/&lt;stage&gt;.yaml:
/// <code>
/// stage: lab
/// nodes: [master, worker-1, worker-2]              # lab node names that node:NAME may use
/// sources: [nginx-worker-1, bash-worker-1, …]      # the pods the probes run in (rows)
/// targets:                                          # columns, in order, each with its value for every source
///   own-bridge: true
///   pod:nginx-worker-2: false
/// exceptions:                                       # optional single cells that differ from their column
///   - { source: bash-worker-1, target: outside, reachable: true }
/// no-reasons: [no-reply]                            # optional: why an expected "no" may be not reached
/// </code>
/// <c>no-reasons</c> lists the <see cref="ProbeReason"/>s an expected "no" may be observed with (no-reply, refused,
/// unreachable, http-status); a "no" for any other reason is a difference. Without it: no-reply, refused, unreachable.
/// Errors name the file, line and column and what is accepted there.
/// </summary>
public sealed partial class ExpectedMatrix
{
    private static readonly string[] Keys = ["stage", "description", "nodes", "sources", "targets", "exceptions", "no-reasons"];

    /// <summary>The reasons a "no" may have when the file does not say.</summary>
    public static IReadOnlySet<ProbeReason> DefaultNoReasons { get; } = new HashSet<ProbeReason> { ProbeReason.NoReply, ProbeReason.Refused, ProbeReason.Unreachable };

    private static readonly Dictionary<string, ProbeReason> NoReasonNames = new(StringComparer.Ordinal)
    {
        ["no-reply"] = ProbeReason.NoReply,
        ["refused"] = ProbeReason.Refused,
        ["unreachable"] = ProbeReason.Unreachable,
        ["http-status"] = ProbeReason.HttpStatus,
    };

    private ExpectedMatrix(string origin, string stage, string? description, IReadOnlyList<string> nodes,
        IReadOnlyList<string> sources, IReadOnlyList<ProbeTarget> targets, ReachabilityMatrix matrix)
    {
        Origin = origin;
        Stage = stage;
        Description = description;
        Nodes = nodes;
        Sources = sources;
        Targets = targets;
        Matrix = matrix;
    }

    /// <summary>Where it was read from (a path or a name given to <see cref="Parse"/>).</summary>
    public string Origin { get; }

    public string Stage { get; }

    public string? Description { get; }

    /// <summary>The lab's node names (what <c>node:NAME</c> targets refer to).</summary>
    public IReadOnlyList<string> Nodes { get; }

    /// <summary>The pods the probes run in (matrix rows).</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>The targets (matrix columns), in file order.</summary>
    public IReadOnlyList<ProbeTarget> Targets { get; }

    /// <summary>Expected <see cref="Reach.Yes"/>/<see cref="Reach.No"/> for every source × target, before resolution.</summary>
    public ReachabilityMatrix Matrix { get; }

    /// <summary>Why an expected "no" may be not reached (<c>no-reasons</c>; default <see cref="DefaultNoReasons"/>).</summary>
    public IReadOnlySet<ProbeReason> NoReasons { get; private init; } = DefaultNoReasons;

    /// <summary>fixtures/reachability/&lt;stage&gt;.yaml.</summary>
    public static string PathFor(string stage) => RepoPaths.Fixture("reachability", stage + ".yaml");

    /// <summary>Loads fixtures/reachability/&lt;stage&gt;.yaml.</summary>
    public static ExpectedMatrix ForStage(string stage) => Load(PathFor(stage));

    /// <exception cref="InvalidDataException">the file is not a valid expectation (message names file, line and problem).</exception>
    public static ExpectedMatrix Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"reachability expectation not found: {path}", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <exception cref="InvalidDataException">the text is not a valid expectation (message names origin, line and problem).</exception>
    public static ExpectedMatrix Parse(string yaml, string origin = "<expectation>")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{origin}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {Innermost(e).Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // The scanner gives up this way on some unterminated constructs (e.g. "[a, b" at the end of the file).
            throw new InvalidDataException($"{origin}: not valid YAML (the parser stopped: {e.Message}); look for an unclosed bracket or quote", e);
        }
        if (stream.Documents.Count != 1)
            throw new InvalidDataException($"{origin}: expected exactly one YAML document, found {stream.Documents.Count}");
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw Error(origin, stream.Documents[0].RootNode, "the file must be a mapping with keys " + string.Join(", ", Keys));

        foreach (var key in root.Children.Keys)
            if (key is not YamlScalarNode { Value: { } name } || !Keys.Contains(name, StringComparer.Ordinal))
                throw Error(origin, key, $"unknown key '{(key as YamlScalarNode)?.Value ?? key.ToString()}' (known keys: {string.Join(", ", Keys)})");

        var stage = RequiredScalar(origin, root, "stage");
        if (!StagePattern().IsMatch(stage.Value!))
            throw Error(origin, stage, $"stage '{stage.Value}' must be lower-case letters, digits and '-'");
        var description = root.Children.TryGetValue(new YamlScalarNode("description"), out var d) ? (d as YamlScalarNode)?.Value : null;
        var nodes = NameList(origin, root, "nodes");
        var sources = NameList(origin, root, "sources");

        if (!root.Children.TryGetValue(new YamlScalarNode("targets"), out var targetsNode) || targetsNode is not YamlMappingNode targetMap || targetMap.Children.Count == 0)
            throw Error(origin, root.Children.TryGetValue(new YamlScalarNode("targets"), out var t) ? t : root,
                "'targets' must be a non-empty mapping of target to true/false (targets: " + ProbeTarget.Forms + ")");

        var targets = new List<ProbeTarget>();
        var columnValues = new List<Reach>();
        foreach (var (keyNode, valueNode) in targetMap.Children)
        {
            var target = ParseTarget(origin, keyNode, nodes, sources);
            if (targets.Any(existing => existing.Text == target.Text))
                throw Error(origin, keyNode, $"target '{target.Text}' is listed twice");
            targets.Add(target);
            columnValues.Add(ReachExtensions.FromBool(ParseBool(origin, valueNode, $"the value of target '{target.Text}'")));
        }

        var matrix = new ReachabilityMatrix(sources, targets.Select(t => t.Text));
        for (var c = 0; c < targets.Count; c++)
            foreach (var source in sources)
                matrix[source, targets[c].Text] = columnValues[c];

        if (root.Children.TryGetValue(new YamlScalarNode("exceptions"), out var exceptionsNode))
            ApplyExceptions(origin, exceptionsNode, matrix, nodes, sources);

        var noReasons = root.Children.TryGetValue(new YamlScalarNode("no-reasons"), out var reasonsNode)
            ? ParseNoReasons(origin, reasonsNode) : DefaultNoReasons;

        return new ExpectedMatrix(origin, stage.Value!, description, nodes, sources, targets, matrix) { NoReasons = noReasons };
    }

    private static HashSet<ProbeReason> ParseNoReasons(string origin, YamlNode node)
    {
        var known = string.Join(", ", NoReasonNames.Keys);
        if (node is not YamlSequenceNode { Children.Count: > 0 } list)
            throw Error(origin, node, $"'no-reasons' must be a non-empty list of: {known}");
        var reasons = new HashSet<ProbeReason>();
        foreach (var item in list)
        {
            if (item is not YamlScalarNode { Value: { } name } || !NoReasonNames.TryGetValue(name, out var reason))
                throw Error(origin, item, $"'no-reasons' holds '{(item as YamlScalarNode)?.Value}', not a reason a \"no\" may have ({known})");
            if (!reasons.Add(reason)) throw Error(origin, item, $"'{name}' is listed twice under 'no-reasons'");
        }
        return reasons;
    }

    private static void ApplyExceptions(string origin, YamlNode node, ReachabilityMatrix matrix, IReadOnlyList<string> nodes, IReadOnlyList<string> sources)
    {
        if (node is not YamlSequenceNode list)
            throw Error(origin, node, "'exceptions' must be a list of {source, target, reachable}");
        foreach (var item in list)
        {
            if (item is not YamlMappingNode cell)
                throw Error(origin, item, "an exception must be a mapping {source, target, reachable[, why]}");
            foreach (var key in cell.Children.Keys)
                if (key is not YamlScalarNode { Value: "source" or "target" or "reachable" or "why" })
                    throw Error(origin, key, $"unknown key '{(key as YamlScalarNode)?.Value}' in an exception (known: source, target, reachable, why)");
            var source = RequiredScalar(origin, cell, "source");
            if (!sources.Contains(source.Value!, StringComparer.Ordinal))
                throw Error(origin, source, $"unknown source '{source.Value}' (sources: {string.Join(", ", sources)})");
            var targetNode = RequiredScalar(origin, cell, "target");
            var target = ParseTarget(origin, targetNode, nodes, sources);
            if (!matrix.Targets.Contains(target.Text, StringComparer.Ordinal))
                throw Error(origin, targetNode, $"target '{target.Text}' is not one of the columns under 'targets'");
            if (!cell.Children.TryGetValue(new YamlScalarNode("reachable"), out var reachable))
                throw Error(origin, cell, "an exception needs 'reachable: true|false'");
            matrix[source.Value!, target.Text] = ReachExtensions.FromBool(ParseBool(origin, reachable, "'reachable'"));
        }
    }

    private static ProbeTarget ParseTarget(string origin, YamlNode node, IReadOnlyList<string> nodes, IReadOnlyList<string> sources)
    {
        if (node is not YamlScalarNode { Value: { } text })
            throw Error(origin, node, "a target must be a plain name: one of " + ProbeTarget.Forms);
        if (!ProbeTarget.TryParse(text, out var target, out var problem))
            throw Error(origin, node, problem);
        switch (target.Kind)
        {
            case TargetKind.Pod or TargetKind.Http when !sources.Contains(target.Name!, StringComparer.Ordinal):
                throw Error(origin, node, $"target '{text}' names pod '{target.Name}', which is not under 'sources' ({string.Join(", ", sources)})");
            case TargetKind.Node when !nodes.Contains(target.Name!, StringComparer.Ordinal):
                throw Error(origin, node, $"target '{text}' names node '{target.Name}', which is not under 'nodes' ({string.Join(", ", nodes)})");
        }
        return target;
    }

    private static bool ParseBool(string origin, YamlNode node, string what) => node switch
    {
        YamlScalarNode { Value: "true" } => true,
        YamlScalarNode { Value: "false" } => false,
        _ => throw Error(origin, node, $"{what} must be true or false, not '{(node as YamlScalarNode)?.Value ?? node.NodeType.ToString()}'"),
    };

    private static YamlScalarNode RequiredScalar(string origin, YamlMappingNode map, string key)
    {
        if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node))
            throw Error(origin, map, $"missing '{key}'");
        if (node is not YamlScalarNode { Value: { Length: > 0 } } scalar)
            throw Error(origin, node, $"'{key}' must be a non-empty text");
        return scalar;
    }

    private static List<string> NameList(string origin, YamlMappingNode root, string key)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode(key), out var node))
            throw Error(origin, root, $"missing '{key}' (a list of names)");
        if (node is not YamlSequenceNode { Children.Count: > 0 } list)
            throw Error(origin, node, $"'{key}' must be a non-empty list of names");
        var names = new List<string>();
        foreach (var item in list)
        {
            if (item is not YamlScalarNode { Value: { } name } || !ProbeTarget.NamePattern().IsMatch(name))
                throw Error(origin, item, $"'{key}' holds '{(item as YamlScalarNode)?.Value}', not a name (letters, digits, '.', '_', '-')");
            if (names.Contains(name, StringComparer.Ordinal))
                throw Error(origin, item, $"'{name}' is listed twice under '{key}'");
            names.Add(name);
        }
        return names;
    }

    private static InvalidDataException Error(string origin, YamlNode node, string message) =>
        new($"{origin}:{node.Start.Line}:{node.Start.Column}: {message}");

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex StagePattern();
}
