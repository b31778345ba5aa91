using BashCni.Tests.Netns.BadInput;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

public static class ErrorChecks
{
    /// <summary>Cases whose failure every plugin must report as a CNI error JSON on stdout.</summary>
    public static readonly IReadOnlyList<string> Representative =
        ["malformed-plain-text", "env-unknown-command", "subnet-31", "containerid-semicolon", "version-unsupported"];

    /// <summary>Representative bad inputs: each fails with a CNI error on stdout (libcni reads nothing else) and changes nothing.</summary>
    public static async Task<Verdict> ErrorsAreCniJsonOnStdoutAsync(TestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var target = await node.CreatePodAsync("bad").ConfigureAwait(false);
        var problems = new List<string>();
        foreach (var name in Representative)
        {
            var c = BadInputCase.Load(Path.Combine(BadInputCase.Directory, name + ".json"));
            if (c.SpecCode is null && !node.Profile.Has(PluginProfile.ErrorCodes)) continue;
            var (verdict, _) = await BadInputRunner.RunAsync(node, target, c).ConfigureAwait(false);
            problems.AddRange(verdict.Problems.Select(x => $"{name}: {x}"));
        }
        return Verdict.Of("errors are CNI error JSON on stdout", problems);
    }
}
