using System.Text.Json.Nodes;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

/// <summary>What bash-cni's early start (work begun before the configuration is validated) must leave behind.</summary>
public static class EarlyStartChecks
{
    public const string RefusedConfigurationCheck = "a mark the early start wrote is undone when ADD refuses the configuration";

    /// <summary>
    /// The early start reads the configuration with the same reader and field table as the validation (source/early.sh),
    /// so what it begins is right whenever the configuration is valid; what remains to prove is the other half of its
    /// contract: a configuration the validation then refuses undoes it. Here the store's <c>.ids</c> exists and holds the
    /// attachment's mark with "sentinel", and the configuration is valid but for a <c>rangeEnd</c> outside the subnet
    /// (code 7, found by <c>cfg_resolve</c> after the early start wrote "adding" into the mark). The refused ADD must
    /// leave the mark as the early start found it: the file existed, so it is emptied.
    /// </summary>
    public static async Task<Verdict> RefusedConfigurationUndoesTheEarlyStartAsync(TestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var config = node.Config();
        var real = config.DataDirPath ?? throw new InvalidOperationException("the profile's config names no dataDir");
        var ids = $"{real}/{config.Name}/.ids";
        var pod = await node.CreatePodAsync("refused").ConfigureAwait(false);
        var mark = $"{ids}/.lock-{pod.ContainerId}:eth0";
        await node.Runner.RunCheckedAsync("bash", ["-c", "mkdir -p \"$1\" && printf 'sentinel\\n' > \"$2\"", "refused", ids, mark]).ConfigureAwait(false);
        var obj = config.ToJsonObject();
        obj["rangeEnd"] = "198.51.100.77";
        var raw = obj.ToJsonString();
        var call = TestNode.Call(pod, config) with { RawStdin = raw };
        var p = new Findings();
        var add = await node.Plugin.AddAsync(call.ExpectingError(7)).ConfigureAwait(false);
        var left = (await node.Runner.RunCheckedAsync("cat", [mark]).ConfigureAwait(false)).Stdout;
        await node.Runner.RunCheckedAsync("rm", ["-f", "--", mark]).ConfigureAwait(false);
        var del = await node.Plugin.DelAsync(TestNode.Call(pod, config)).ConfigureAwait(false);
        if (add.ExitCode == 0)
            p.Add($"ADD accepted a rangeEnd outside the subnet: {add}");
        else if (left == "sentinel\n")
            p.Add("the early start did not write the mark (the trial did not reach its point)");
        else if (left.Length > 0)
            p.Add($"the mark the early start wrote was not undone after ADD refused the configuration: '{left.Trim()}'");
        if (del.ExitCode != 0) p.Add($"DEL failed: {del}");
        return Verdict.Of(RefusedConfigurationCheck, p, $"stdin: {raw}\nADD: {add}\nmark after ADD: '{left.Trim()}'");
    }
}
