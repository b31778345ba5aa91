using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace BashCni.Harness.Reachability;

/// <summary>
/// A symbolic probe target as written in fixtures/reachability/*.yaml: <c>own-bridge</c>, <c>same-node-pod</c>,
/// <c>pod:NAME</c>, <c>node:NAME</c>, <c>outside</c>, <c>http:NAME</c>. Resolved against a cluster by <see cref="ProbePlan"/>.
/// </summary>
public sealed partial record ProbeTarget(TargetKind Kind, string? Name = null)
{
    /// <summary>The accepted forms, for error messages.</summary>
    public const string Forms = "own-bridge, same-node-pod, pod:<pod>, node:<node>, outside, http:<pod>";

    /// <summary>The target as written in the expectation files.</summary>
    public string Text => Kind switch
    {
        TargetKind.OwnBridge => "own-bridge",
        TargetKind.SameNodePod => "same-node-pod",
        TargetKind.Outside => "outside",
        TargetKind.Pod => "pod:" + Name,
        TargetKind.Node => "node:" + Name,
        TargetKind.Http => "http:" + Name,
        _ => throw new InvalidOperationException($"unknown target kind {Kind}"),
    };

    /// <summary>HTTP targets are probed with an HTTP GET, every other one with an ICMP echo.</summary>
    public ProbeProtocol Protocol => Kind == TargetKind.Http ? ProbeProtocol.Http : ProbeProtocol.Icmp;

    public override string ToString() => Text;

    public static bool TryParse(string? text, [NotNullWhen(true)] out ProbeTarget? target, [NotNullWhen(false)] out string? error)
    {
        target = null;
        var value = text?.Trim() ?? "";
        switch (value)
        {
            case "own-bridge": target = new ProbeTarget(TargetKind.OwnBridge); break;
            case "same-node-pod": target = new ProbeTarget(TargetKind.SameNodePod); break;
            case "outside": target = new ProbeTarget(TargetKind.Outside); break;
            default:
                var colon = value.IndexOf(':', StringComparison.Ordinal);
                var prefix = colon < 0 ? "" : value[..colon];
                var name = colon < 0 ? "" : value[(colon + 1)..];
                TargetKind? kind = prefix switch
                {
                    "pod" => TargetKind.Pod,
                    "node" => TargetKind.Node,
                    "http" => TargetKind.Http,
                    _ => null,
                };
                if (kind is null)
                {
                    error = $"unknown target '{value}': a target is one of {Forms}";
                    return false;
                }
                if (!NamePattern().IsMatch(name))
                {
                    error = $"target '{value}' needs a name after '{prefix}:' (letters, digits, '.', '_', '-'): a target is one of {Forms}";
                    return false;
                }
                target = new ProbeTarget(kind.Value, name);
                break;
        }
        error = null;
        return true;
    }

    /// <summary>Parses a target; throws <see cref="FormatException"/> naming the accepted forms.</summary>
    public static ProbeTarget Parse(string text) =>
        TryParse(text, out var target, out var error) ? target : throw new FormatException(error);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    internal static partial Regex NamePattern();
}
