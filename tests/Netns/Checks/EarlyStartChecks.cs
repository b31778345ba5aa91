using System.Text.Json;
using System.Text.Json.Nodes;
using BashCni.Harness.Sandbox;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Checks;

/// <summary>What bash-cni's early start (work begun before the configuration is validated) must leave behind.</summary>
public static class EarlyStartChecks
{
    public const string MisguessedStoreCheck = "a mark the early start wrote in a store the configuration does not name is dropped";

    /// <summary>
    /// The early start reads a few fields as plain text. Here the only literal <c>"dataDir"</c> sits in <c>args</c>
    /// (a decoy store whose <c>.ids</c> exists, holding a mark file with "sentinel"), while the configuration's own
    /// <c>dataDir</c> is spelled with a JSON escape (<c>"data\u0044ir"</c>), which only the validating reader decodes.
    /// The early start writes "adding" into the decoy's mark; ADD must then drop it (the file existed: it is emptied)
    /// and reserve in the store the configuration names.
    /// </summary>
    public static async Task<Verdict> MisguessedStoreDropsItsMarkAsync(TestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var config = node.Config();
        var real = config.DataDirPath ?? throw new InvalidOperationException("the profile's config names no dataDir");
        var decoy = node.Node.StateDir + "/decoy";
        var ids = $"{decoy}/{config.Name}/.ids";
        var pod = await node.CreatePodAsync("decoy").ConfigureAwait(false);
        var mark = $"{ids}/.lock-{pod.ContainerId}:eth0";
        await node.Runner.RunCheckedAsync("bash", ["-c", "mkdir -p \"$1\" && printf 'sentinel\\n' > \"$2\"", "decoy", ids, mark]).ConfigureAwait(false);
        var obj = config.ToJsonObject();
        obj.Remove("dataDir");
        obj["args"] = new JsonObject { ["dataDir"] = decoy };
        var rest = obj.ToJsonString();
        var raw = "{\"data\\u0044ir\":" + JsonSerializer.Serialize(real) + "," + rest[1..];
        var call = TestNode.Call(pod, config) with { RawStdin = raw };
        var p = new Findings();
        var add = await node.Plugin.AddAsync(call).ConfigureAwait(false);
        if (add.ExitCode != 0) p.SetUp($"ADD failed: {add}");
        var left = (await node.Runner.RunCheckedAsync("cat", [mark]).ConfigureAwait(false)).Stdout;
        var reservations = await node.ReservationsAsync(config).ConfigureAwait(false);
        var del = await node.Plugin.DelAsync(call).ConfigureAwait(false);
        await node.Runner.RunCheckedAsync("rm", ["-rf", "--", decoy]).ConfigureAwait(false);
        if (add.ExitCode == 0)
        {
            if (left == "sentinel\n")
                p.Add("the early start did not write the mark in the store it read from the text (the trial did not reach its point)");
            else if (left.Length > 0)
                p.Add($"the mark the early start wrote where the configuration does not point was not dropped: '{left.Trim()}'");
            if (reservations.Count != 1)
                p.Add($"ADD reserved {reservations.Count} address(es) in the store the configuration names, not 1");
        }
        if (del.ExitCode != 0) p.Add($"DEL failed: {del}");
        return Verdict.Of(MisguessedStoreCheck, p, $"stdin: {raw}\ndecoy mark after ADD: '{left.Trim()}'");
    }
}
