using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BashCni.Harness;
using BashCni.Harness.Conformance;
using BashCni.Harness.Reporting;
using BashCni.Tests.Netns.SelfTest;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.ConformanceTable;

/// <summary>
/// The run's profile clause by clause: each clause's checks (at most <see cref="ChecksPerClause"/>: its own checks by name, then bad-input cases) run
/// on fresh nodes; the outcome is attached to the clause's test and, when every clause ran, written as
/// fixtures/plugins/profiles/conformance/PROFILE.md. A failed check counts as a known deviation when the profile's
/// <c>clauseDeviations</c> (check-name regex → why, with its upstream source) names it; checks that cannot apply to the
/// profile are not applicable, with the reason (the rules below, or the profile's <c>notApplicable</c>: check-name regex
/// → why). Category NetnsConformance (run with
/// <c>./run-tests.sh netns --profile NAME --filter Category=NetnsConformance</c>; fixtures/plugins/profiles/conformance-tables.sh
/// runs every profile).
/// </summary>
[TestFixture]
[Category("Netns")]
[Category("NetnsConformance")]
[Parallelizable(ParallelScope.All)]
public sealed class ConformanceTableTests
{
    public const int ChecksPerClause = 4;
    private static readonly ConcurrentDictionary<string, ClauseOutcome> Rows = new(StringComparer.Ordinal);

    public static IEnumerable<TestCaseData> ClauseIds =>
        ClauseMap.Clauses.Select(c => new TestCaseData(c.Id).SetName($"Clause({c.Id})"));

    [TestCaseSource(nameof(ClauseIds))]
    public async Task Clause(string id)
    {
        var profile = NetnsLayer.RequireProfile();
        var clause = ClauseMap.Clause(id);
        // The clause's own checks first, the bad-input corpus (dozens of cases per clause) after them.
        var mapped = ClauseMap.ChecksOf(id, Catchers.All.Keys).OrderBy(c => c.StartsWith("bad input ", StringComparison.Ordinal))
            .ThenBy(c => c, StringComparer.Ordinal).ToList();
        var deviations = Deviations(profile);
        var outcomes = new List<CheckOutcome>();
        foreach (var check in mapped.Take(ChecksPerClause))
        {
            if (NotApplicable(profile, clause, check) is { } why)
            {
                outcomes.Add(new CheckOutcome(check, ClauseResult.NotApplicable, why));
                continue;
            }
            Verdict? verdict = null;
            // A plugin nobody here wrote answers some calls otherwise than bash-cni (error 999 where the spec names a
            // code, a known deviation): the table judges each check's verdict itself, so those calls do not turn the
            // clause red on their own. bash-cni's calls stay held to what the checks declare.
            using (profile.IsBashCni ? null : RedSteps.Expect($"the conformance table judges {check} on profile {profile.Name}"))
                await TestNode.RunAsync(async node => verdict = await Catchers.All[check].Run(node), profile);
            if (verdict!.Passed) outcomes.Add(new CheckOutcome(check, ClauseResult.Pass));
            else if (deviations.FirstOrDefault(d => d.Pattern.IsMatch(check)) is { Why: { } because })
                outcomes.Add(new CheckOutcome(check, ClauseResult.KnownDeviation, because + " (observed: " + verdict.Problems[0] + ")"));
            else outcomes.Add(new CheckOutcome(check, ClauseResult.Fail, string.Join("; ", verdict.Problems)));
        }
        var row = new ClauseOutcome(clause, outcomes, mapped.Count);
        Rows[id] = row;
        var table = BashCni.Harness.Conformance.ConformanceTable.Markdown(profile.Name, profile.Description, [row], Command(profile));
        Evidence.Parameter("profile", profile.Name);
        Evidence.Attach($"clause {id}", table, "text/markdown", "md");
        await TestContext.Out.WriteLineAsync(table);
        Assert.That(row.Result, Is.Not.EqualTo(ClauseResult.Fail), $"profile '{profile.Name}' fails clause {id} ({clause.LevelWord}): {clause.Text}\n{table}");
    }

    [OneTimeTearDown]
    public async Task WriteTableAsync()
    {
        if (Rows.Count != ClauseMap.Clauses.Count) return;
        var profile = NetnsLayer.RequireProfile();
        var md = BashCni.Harness.Conformance.ConformanceTable.Markdown(profile.Name, profile.Description, Rows.Values.ToList(), Command(profile));
        var dir = RepoPaths.Fixture("plugins", "profiles", "conformance");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, profile.Name + ".md"), md);
    }

    private static string Command(PluginProfile profile) =>
        $"./run-tests.sh netns --profile {profile.Name} --filter Category=NetnsConformance";

    /// <summary>Why a check cannot apply to the profile, or null.</summary>
    private static string? NotApplicable(PluginProfile profile, SpecClause clause, string check)
    {
        if (profile.IsBashCni) return null;
        if (Reasons(profile, "notApplicable").FirstOrDefault(d => d.Pattern.IsMatch(check)) is { Why: { } why }) return why;
        if (clause.Level == Requirement.Contract) return $"bash-cni's own contract; {profile.Type} makes other promises";
        if (check.StartsWith("bad input ", StringComparison.Ordinal) && !profile.Has(PluginProfile.ErrorCodes))
            return "the bad-input corpus expects this project's error codes (capability error-codes)";
        if (check.Contains("CHECK", StringComparison.Ordinal) && !profile.Has(PluginProfile.Check)) return "the profile does not claim CHECK";
        if ((check.StartsWith("GC", StringComparison.Ordinal) || check.Contains("valid-attachments", StringComparison.Ordinal)) && !profile.Has(PluginProfile.Gc))
            return "the profile does not claim GC (1.1.0)";
        if (check.StartsWith("STATUS", StringComparison.Ordinal) && !profile.Has(PluginProfile.Status)) return "the profile does not claim STATUS (1.1.0)";
        if (Regex.IsMatch(check, "^(a held store lock|an unwritable dataDir|exhaustion|network, gateway|allocation wraps|SIGKILL)"))
            return "bash-cni's store and error-code contract";
        if (Regex.IsMatch(check, "^(an ADD whose bridge lock timed out|concurrent ADDs on a node without a bridge)"))
            return "the check holds bash-cni at the marks its log writes around the bridge lock (progress gates); other plugins write none";
        if (check.StartsWith("the delegated IPAM plugin is found in any directory of CNI_PATH", StringComparison.Ordinal))
            return "the check builds bash-cni's standard config form and reads its log line of the delegated IPAM";
        if (check.StartsWith("type names the binary", StringComparison.Ordinal) && !profile.Has(PluginProfile.LogFile))
            return "the check finds the binary's line in the plugin's log (capability log-file)";
        if (profile.Topology != PluginProfile.TopologyBridge && Regex.IsMatch(check, "^(bridge |CHECK fails after HostVethDetached$)"))
            return $"the plugin joins no bridge (topology {profile.Topology})";
        if (profile.Topology == PluginProfile.TopologyMacvlan && check.StartsWith("CHECK fails after HostVeth", StringComparison.Ordinal))
            return "macvlan leaves no host end on the node (the pod's interface is a child of the node's eth0)";
        if (!profile.HasStore && Regex.IsMatch(check, @"^(\d+ parallel ADDs|name names the store directory|two attachments|CHECK fails after Reservation)"))
            return $"{profile.IpamType} keeps no store and hands its one configured address to every ADD (profile field store: false); the check counts reservations or distinct addresses";
        if (check.StartsWith("network is informational", StringComparison.Ordinal))
            return "network is a field of bash-cni's own config (README field table)";
        return null;
    }

    private static IReadOnlyList<(Regex Pattern, string Why)> Deviations(PluginProfile profile) => Reasons(profile, "clauseDeviations");

    /// <summary>A profile's map of check-name regex → why (<c>clauseDeviations</c>, <c>notApplicable</c>).</summary>
    private static IReadOnlyList<(Regex Pattern, string Why)> Reasons(PluginProfile profile, string field)
    {
        var root = JsonNode.Parse(File.ReadAllText(profile.Source)) as JsonObject;
        return (root?[field] as JsonObject ?? [])
            .Select(p => (new Regex(p.Key, RegexOptions.CultureInvariant), p.Value?.GetValue<string>() ?? "")).ToList();
    }
}
