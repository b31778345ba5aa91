using System.Text.RegularExpressions;

namespace BashCni.Harness.Reporting;

/// <summary>
/// The report's central rules, in one place instead of attributes spread over many test files: which failure
/// category a failed test falls in (the <c>failureCategory</c> label that <c>allurerc.json</c> matches), the
/// severity of a test, the CNI spec section a test checks, and where its source is. An attribute on a test
/// (<see cref="SeverityAttribute"/>, <see cref="KnownIssueAttribute"/>) wins over a rule.
/// </summary>
public static partial class ReportRules
{
    /// <summary>The label the categories in allurerc.json match on.</summary>
    public const string CategoryLabel = "failureCategory";

    public const string PluginDefect = "plugin defect";
    public const string HarnessProblem = "harness or sandbox problem";
    public const string EnvironmentProblem = "environment";
    public const string KnownIssue = "known issue";
    public const string ExpectedSkip = "expected skip";

    /// <summary>The CNI specification the links point into (the version the plugin implements).</summary>
    public const string SpecUrl = "https://github.com/containernetworking/cni/blob/spec-v1.1.0/SPEC.md";

    // Areas (namespace below BashCni.Tests.<Layer>) whose tests check the harness itself, not the plugin.
    private static readonly string[] HarnessAreas = ["Reporting", "Reachability", "HarnessCni", "Infra"];

    // Fixtures whose failure means an address was lost or handed out twice, or a spec MUST was broken.
    private static readonly string[] CriticalFixtures =
    [
        "ConcurrencyTests", "DuplicateAddTests", "ReleaseTests", "LockingTests", "PrefixTests", "StoreTests",
        "IpamLoadTests", "PodAddressTests", "ConcurrentPodTests", "GuardTests", "FaultTests",
    ];

    private static readonly Dictionary<string, (string Title, string Anchor)> SpecSections = new(StringComparer.Ordinal)
    {
        ["AddTests"] = ("CNI spec: ADD", "add-add-container-to-network-or-apply-modifications"),
        ["DelTests"] = ("CNI spec: DEL", "del-remove-container-from-network-or-un-apply-modifications"),
        ["CheckTests"] = ("CNI spec: CHECK", "check-check-containers-networking-is-as-expected"),
        ["VersionTests"] = ("CNI spec: VERSION", "version-probe-plugin-version-support"),
        ["ErrorTests"] = ("CNI spec: errors", "error"),
        ["BadInputTests"] = ("CNI spec: errors", "error"),
        ["InvocationErrorTests"] = ("CNI spec: errors", "error"),
        ["NetconfFixtureTests"] = ("CNI spec: network configuration", "section-1-network-configuration-format"),
        ["RuntimeSequenceTests"] = ("CNI spec: execution of network configurations", "section-3-execution-of-network-configurations"),
        ["VersionAndSchemaTests"] = ("CNI spec: result types", "section-5-result-types"),
        ["AllocationTests"] = ("CNI spec: IP allocation", "section-4-plugin-delegation"),
    };

    /// <summary>
    /// The category of a failed, broken or skipped test; null for a passed one. Known issue (attribute) first, then
    /// environment (a missing tool, not root, no cluster target), then harness or sandbox (a harness component's own
    /// test, the sandbox guard, an exception that is not about the plugin), else plugin defect (a CNI check failed).
    /// </summary>
    public static string? CategoryOf(AllureStatus status, string? layer, string? area, string? fixture, bool knownIssue, string? message, string? trace)
    {
        if (status == AllureStatus.Passed) return null;
        var text = (message ?? "") + "\n" + (trace ?? "");
        if (knownIssue && status != AllureStatus.Skipped) return KnownIssue;
        if (EnvironmentPattern().IsMatch(text)) return EnvironmentProblem;
        if (status == AllureStatus.Skipped) return EnvironmentProblem;
        if (HarnessAreas.Any(a => area is not null && (area == a || area.StartsWith(a + ".", StringComparison.Ordinal))) || fixture == "GuardTests")
            return HarnessProblem;
        if (PluginPattern().IsMatch(text)) return PluginDefect;
        if (status == AllureStatus.Broken && HarnessPattern().IsMatch(text)) return HarnessProblem;
        return status == AllureStatus.Failed ? PluginDefect : HarnessProblem;
    }

    /// <summary>critical for spec MUSTs (the conformance suite) and anything about lost or duplicated addresses; else normal.</summary>
    public static string SeverityOf(string? layer, string? area, string? fixture)
    {
        if (area is not null && (area == "Conformance" || area.StartsWith("Conformance.", StringComparison.Ordinal))) return "critical";
        if (fixture is not null && CriticalFixtures.Contains(fixture)) return "critical";
        if (area == "Lint") return "minor";
        return "normal";
    }

    /// <summary>The spec section a fixture checks, or null.</summary>
    public static AllureLink? SpecLinkOf(string? fixture) =>
        fixture is not null && SpecSections.TryGetValue(fixture, out var section)
            ? new AllureLink(section.Title, SpecUrl + "#" + section.Anchor)
            : null;

    /// <summary>
    /// A link to the test's source file: on GitHub Actions the file at the commit under test, elsewhere the path
    /// relative to the report (allure-report/index.html sits in the repository root's allure-report/, so
    /// "../tests/…" opens the file in whatever checkout the report is read from). Null when the file cannot be found.
    /// </summary>
    public static AllureLink? SourceLinkOf(string? className)
    {
        if (string.IsNullOrEmpty(className) || SourceFiles.Value is not { } files) return null;
        var shortName = className[(className.LastIndexOf('.') + 1)..];
        var nested = shortName.IndexOf('+');
        if (nested >= 0) shortName = shortName[..nested];
        if (!files.TryGetValue(shortName, out var relative)) return null;
        var server = Environment.GetEnvironmentVariable("GITHUB_SERVER_URL");
        var repository = Environment.GetEnvironmentVariable("GITHUB_REPOSITORY");
        var sha = Environment.GetEnvironmentVariable("GITHUB_SHA");
        var url = !string.IsNullOrEmpty(server) && !string.IsNullOrEmpty(repository) && !string.IsNullOrEmpty(sha)
            ? $"{server}/{repository}/blob/{sha}/{relative}"
            : "../" + relative.Replace('\\', '/');
        return new AllureLink("source: " + relative, url);
    }

    // Class name → repository-relative path of tests/**/<Class>.cs (files are named after what they hold).
    private static readonly Lazy<Dictionary<string, string>?> SourceFiles = new(() =>
    {
        var root = RepoRootOrNull();
        var tests = root is null ? null : Path.Combine(root, "tests");
        if (tests is null || !Directory.Exists(tests)) return null;
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains("/bin/", StringComparison.Ordinal) || file.Contains("/obj/", StringComparison.Ordinal)) continue;
            map.TryAdd(Path.GetFileNameWithoutExtension(file), Path.GetRelativePath(root!, file));
        }
        return map;
    });

    private static string? RepoRootOrNull()
    {
        try
        {
            return RepoPaths.Root;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"ClusterNotConfigured|needs? root|not root|must run as root|not installed|command not found|not found on PATH|kubeconfig|BASHCNI_[A-Z_]+ is not set|target not configured|No such file or directory: '(?:ip|jq|unshare|nsenter|containerd|sshd|chromium)'", RegexOptions.IgnoreCase)]
    private static partial Regex EnvironmentPattern();

    [GeneratedRegex(@"CniProtocolException|CniCallFailedException|CNI error|plugin (?:exited|printed|failed)|expected to fail with code")]
    private static partial Regex PluginPattern();

    [GeneratedRegex(@"sandbox|nsenter|unshare|guard|TimeoutRejectedException|CliWrap|BashCni\.Harness\.", RegexOptions.IgnoreCase)]
    private static partial Regex HarnessPattern();
}
