using NUnit.Framework;
using System.Text.RegularExpressions;
using BashCni.Harness;
using BashCni.Harness.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace BashCni.Tests.Unit.Infra;

/// <summary>What the kind workflow and its kind config must satisfy; each check lists violations (empty = fine).</summary>
internal static partial class WorkflowInvariants
{
    public static List<string> CheckKindConfig(YamlMappingNode config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<string>();
        if (config.Get("kind").Text() != "Cluster") problems.Add("kind config: 'kind' is not Cluster");
        if (config.Get("apiVersion").Text() is not { } api || !api.StartsWith("kind.x-k8s.io/", StringComparison.Ordinal))
            problems.Add("kind config: apiVersion is not kind.x-k8s.io/…");
        var networking = config.Get("networking");
        if (networking.Get("disableDefaultCNI").Text() != "true")
            problems.Add("kind config: networking.disableDefaultCNI is not true (kindnet would be the pod network)");
        if (networking.Get("podSubnet").Text() != "10.244.0.0/16")
            problems.Add($"kind config: networking.podSubnet is '{networking.Get("podSubnet").Text()}', not 10.244.0.0/16");
        var roles = config.Get("nodes").Items().Select(n => n.Get("role").Text()).ToList();
        if (roles.Count(r => r == "control-plane") != 1) problems.Add($"kind config: {roles.Count(r => r == "control-plane")} control-plane nodes, expected 1");
        if (roles.Count(r => r == "worker") != 2) problems.Add($"kind config: {roles.Count(r => r == "worker")} workers, expected 2");
        return problems;
    }

    public static List<string> CheckWorkflow(YamlMappingNode workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var problems = new List<string>();
        var jobs = workflow.Get("jobs").Entries().ToList();
        if (jobs.Count == 0) return ["workflow: no jobs"];

        var kindJobs = jobs.Where(j => Steps(j.Value).Any(s => (s.Get("uses").Text() ?? "").StartsWith("helm/kind-action@", StringComparison.Ordinal))).ToList();
        if (kindJobs.Count != 1) problems.Add($"workflow: {kindJobs.Count} jobs create a kind cluster, expected 1");
        foreach (var (name, job) in kindJobs)
        {
            var steps = Steps(job).ToList();
            var create = steps.First(s => (s.Get("uses").Text() ?? "").StartsWith("helm/kind-action@", StringComparison.Ordinal));
            var configPath = create.Get("with").Get("config").Text();
            if (configPath is null) problems.Add($"job {name}: kind-action has no config");
            else if (!File.Exists(Path.Combine(RepoPaths.Root, configPath))) problems.Add($"job {name}: kind config {configPath} does not exist");
            var createAt = steps.IndexOf(create);

            // kind never loads br_netfilter; Docker >= 27.3 only when it needs it (moby#48492).
            var netfilter = steps.FindIndex(s => Run(s) is { } run && run.Contains("modprobe br_netfilter", StringComparison.Ordinal));
            if (netfilter < 0) problems.Add($"job {name}: br_netfilter is not loaded (sudo modprobe br_netfilter) before the kind cluster is created");
            else if (netfilter > createAt) problems.Add($"job {name}: br_netfilter is loaded only after the kind cluster was created");

            // The job runs what a user runs: the harness installs the plugin itself.
            if (steps.Any(s => Run(s) is { } run && run.Contains("install.sh", StringComparison.Ordinal)))
                problems.Add($"job {name}: a step installs the plugin by hand; run-tests.sh does that, as for a user");

            var cluster = steps.FindIndex(s => Run(s) is { } run && ClusterRun().IsMatch(run));
            if (cluster < 0) problems.Add($"job {name}: no step runs `run-tests.sh cluster --target kind`");
            else if (cluster < createAt) problems.Add($"job {name}: the cluster layer runs before the kind cluster exists");
            if (cluster >= 0 && Run(steps[cluster]) is { } clusterRun && ClusterFilter().IsMatch(clusterRun))
                problems.Add($"job {name}: the cluster layer is filtered; both stages (lab and routed) must run");

            var kubeconfig = steps.FindIndex(s => Run(s) is { } run && run.Contains("KUBECONFIG=", StringComparison.Ordinal)
                                                   && run.Contains("GITHUB_ENV", StringComparison.Ordinal));
            if (kubeconfig < 0 && job.Get("env").Get("KUBECONFIG") is null)
                problems.Add($"job {name}: KUBECONFIG is never set, so the kind target would be skipped as not configured");
            else if (kubeconfig > cluster && cluster >= 0)
                problems.Add($"job {name}: KUBECONFIG is set only after the cluster layer ran");

            var upload = steps.FirstOrDefault(s => (s.Get("uses").Text() ?? "").StartsWith("actions/upload-artifact@", StringComparison.Ordinal)
                                                   && (s.Get("with").Get("path").Text() ?? "").Contains("allure", StringComparison.Ordinal));
            if (upload is null) problems.Add($"job {name}: the Allure report is not uploaded as an artifact");
            else if (upload.Get("if").Text() is not { } cond || !cond.Contains("always()", StringComparison.Ordinal))
                problems.Add($"job {name}: the Allure upload does not run when tests fail (needs if: always())");

            var map = job.Get("env").Get("BASHCNI_NODE_MAP").Text() ?? workflow.Get("env").Get("BASHCNI_NODE_MAP").Text();
            if (map is not null && NodeNameMap.Parse(map).ToString() is var parsed
                && !NodeNameMap.Parse(map).Pairs.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(NodeNameMap.Kind.Pairs.OrderBy(p => p.Key, StringComparer.Ordinal)))
                problems.Add($"job {name}: BASHCNI_NODE_MAP '{parsed}' does not match kind's node names");
        }

        var layers = jobs.Where(j => Steps(j.Value).Any(s => Run(s) is { } run && UnitNetnsRun().IsMatch(run))).ToList();
        if (layers.Count == 0) problems.Add("workflow: no job runs the Unit and Netns layers (`run-tests.sh unit netns`)");
        foreach (var (name, job) in layers)
            if (!Steps(job).Any(s => (s.Get("uses").Text() ?? "").StartsWith("actions/upload-artifact@", StringComparison.Ordinal)))
                problems.Add($"job {name}: its Allure results are not uploaded");
        return problems;
    }

    private static IEnumerable<YamlNode> Steps(YamlNode job) => job.Get("steps").Items();

    private static string? Run(YamlNode step) => step.Get("run").Text();

    [GeneratedRegex(@"run-tests\.sh\s+cluster\b.*--target[ =]kind\b")]
    private static partial Regex ClusterRun();

    [GeneratedRegex(@"--filter|--stage")]
    private static partial Regex ClusterFilter();

    [GeneratedRegex(@"run-tests\.sh\s+(unit\s+netns|netns\s+unit)\b")]
    private static partial Regex UnitNetnsRun();
}
