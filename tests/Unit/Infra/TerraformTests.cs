using NUnit.Framework;
using System.Text.Json.Nodes;
using BashCni.Harness;
using BashCni.Harness.Reporting;

namespace BashCni.Tests.Unit.Infra;

/// <summary>The lab's Terraform (infra/aws), converted offline from HCL to JSON and checked for its invariants.</summary>
[TestFixture]
[Category("Unit")]
public sealed class TerraformTests
{
    private static string AwsDir => Path.Combine(RepoPaths.Root, "infra", "aws");

    /// <summary>Broken copies of the Terraform, each with the violation it must produce.</summary>
    private static readonly (string Name, string File, string Original, string Replacement, string Expected)[] Mutations =
    [
        ("ssh-and-api-open-to-the-world", "security.tf", "cidr_ipv4         = var.admin_cidr", "cidr_ipv4         = \"0.0.0.0/0\"", "ingress from the world"),
        ("all-traffic-from-elsewhere", "security.tf", "cidr_ipv4         = local.pod_network", "cidr_ipv4         = \"172.16.0.0/12\"", "all traffic allowed from"),
        ("source-dest-check-on", "instances.tf", "source_dest_check = false", "source_dest_check = true", "source_dest_check is not false"),
        ("hard-coded-ami", "instances.tf", "ami                    = data.aws_ami.ubuntu.id", "ami                    = \"ami-0123456789abcdef0\"", "does not come from an aws_ami data source"),
        ("two-nodes", "locals.tf", "    { name = \"worker-2\", private_ip = \"10.0.1.12\", pod_cidr = \"10.244.2.0/24\", role = \"worker\" },\n", "", "expected 3 EC2 instances"),
        ("one-route-for-the-pod-network", "network.tf", "destination_cidr_block = local.nodes[count.index].pod_cidr", "destination_cidr_block = \"10.244.0.0/16\"", "expected 3 distinct pod-subnet routes"),
        ("output-renamed", "outputs.tf", "output \"public_ips\"", "output \"addresses\"", "output 'public_ips' is missing"),
        ("admin-cidr-default", "variables.tf", "  type        = string\n\n  validation {\n    condition     = can(cidrhost(var.admin_cidr, 0))",
            "  type        = string\n  default     = \"0.0.0.0/0\"\n\n  validation {\n    condition     = can(cidrhost(var.admin_cidr, 0))", "has a default"),
    ];

    private DirectoryInfo? _copies;
    private readonly Dictionary<string, TerraformModel> _models = new(StringComparer.Ordinal);
    private readonly HashSet<string> _mutationApplied = new(StringComparer.Ordinal);
    private string? _unavailable;
    private string _conversionLog = "";

    /// <summary>Makes every broken copy and converts the original and all copies in one run of the converter.</summary>
    [OneTimeSetUp]
    public async Task ConvertAsync()
    {
        if (NodeTools.UnavailableReason("@cdktf/hcl2json") is { } why)
        {
            _unavailable = why;
            return;
        }
        _copies = Directory.CreateTempSubdirectory("bashcni-tf-");
        var dirs = new List<string> { AwsDir };
        foreach (var m in Mutations)
        {
            var dir = Directory.CreateDirectory(Path.Combine(_copies.FullName, m.Name)).FullName;
            foreach (var f in Directory.EnumerateFiles(AwsDir))
                File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            var path = Path.Combine(dir, m.File);
            var text = await File.ReadAllTextAsync(path);
            if (text.Contains(m.Original, StringComparison.Ordinal)) _mutationApplied.Add(m.Name);
            await File.WriteAllTextAsync(path, text.Replace(m.Original, m.Replacement, StringComparison.Ordinal));
            dirs.Add(dir);
        }
        var result = await NodeTools.RunAsync("hcl2json.cjs", [.. dirs]);
        _conversionLog = result.ToString();
        if (result.ExitCode != 0) return;
        var all = JsonNode.Parse(result.Stdout)!.AsObject();
        foreach (var (dir, converted) in all)
            _models[dir] = new TerraformModel(converted!.AsObject());
    }

    [OneTimeTearDown]
    public void RemoveCopies() => _copies?.Delete(recursive: true);

    private TerraformModel Model(string dir)
    {
        if (_unavailable is not null) Assert.Ignore(_unavailable);
        Evidence.Attach("hcl2json", _conversionLog);
        Assert.That(_models.TryGetValue(dir, out var model), Is.True, $"HCL did not convert:\n{_conversionLog}");
        return model!;
    }

    public static IEnumerable<TestCaseData> MutationCases() =>
        Mutations.Select(m => new TestCaseData(m.Name).SetArgDisplayNames(m.Name));

    [Test]
    public void EveryTerraformFileParses()
    {
        var tf = Model(AwsDir);
        var onDisk = Directory.EnumerateFiles(AwsDir, "*.tf").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.That(tf.FileNames, Is.EquivalentTo(onDisk));
        Assert.That(onDisk, Has.Count.GreaterThanOrEqualTo(5));
    }

    [Test]
    public void LabTerraformSatisfiesEveryInvariant()
    {
        var tf = Model(AwsDir);
        var problems = TerraformInvariants.Check(tf);
        Evidence.Attach("violations", string.Join('\n', problems));
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void ThreeInstancesWithSourceDestCheckOffAndAmiFromDataSource()
    {
        var tf = Model(AwsDir);
        var instances = tf.ResourcesOf("aws_instance").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(instances.Sum(i => tf.CountOf(i.Body)), Is.EqualTo(3));
            Assert.That(instances.Select(i => i.Body["source_dest_check"]!.GetValue<bool>()), Is.All.False);
            Assert.That(instances.Select(i => i.Body["ami"]!.ToString()), Is.All.StartWith("${data.aws_ami."));
            Assert.That(tf.DataSources.Where(d => d.Type == "aws_ami").Select(d => d.Body["most_recent"]!.GetValue<bool>()), Is.All.True);
        });
        var allText = string.Concat(Directory.EnumerateFiles(AwsDir, "*.tf").Select(File.ReadAllText));
        Assert.That(allText, Does.Not.Match(@"ami-[0-9a-f]{8,}"), "a hard-coded AMI id");
    }

    [Test]
    public void PodSubnetsAreRoutedToTheirNodes()
    {
        var tf = Model(AwsDir);
        var route = tf.ResourcesOf("aws_route").Single(r => r.Body["network_interface_id"] is not null).Body;
        var count = tf.CountOf(route);
        var destinations = Enumerable.Range(0, count).Select(i => tf.ValueAt(route["destination_cidr_block"], i)).ToList();
        Assert.That(destinations, Is.EqualTo(new[] { "10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24" }));
        Assert.That(route["network_interface_id"]!.ToString(), Is.EqualTo("${aws_instance.node[count.index].primary_network_interface_id}"));
        var names = Enumerable.Range(0, 3).Select(i => tf.ValueAt(JsonValue.Create("${local.nodes[count.index].name}"), i));
        Assert.That(names, Is.EqualTo(new[] { "master", "worker-1", "worker-2" }), "route index i must be node i");
    }

    [Test]
    public void OutputsTheHarnessReadsArePresent()
    {
        var tf = Model(AwsDir);
        Assert.That(tf.Outputs.Keys, Is.SupersetOf(TerraformInvariants.RequiredOutputs));
    }

    [Test]
    public void CloudInitPreparesNodesForKubeadm()
    {
        var text = File.ReadAllText(Path.Combine(AwsDir, "cloud-init.yaml.tftpl"));
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.StartWith("#cloud-config"));
            Assert.That(text, Does.Contain("swapoff"));
            Assert.That(text, Does.Contain("br_netfilter"));
            Assert.That(text, Does.Contain("net.bridge.bridge-nf-call-iptables = 1"));
            Assert.That(text, Does.Contain("net.ipv4.ip_forward = 1"));
            Assert.That(text, Does.Contain("SystemdCgroup = true"));
            Assert.That(text, Does.Contain("/etc/apt/keyrings"));
            Assert.That(text, Does.Contain("v${kubernetes_minor_version}/deb/"), "Kubernetes packages pinned to one minor version");
            Assert.That(text, Does.Contain("apt-mark, hold, kubelet, kubeadm, kubectl"));
            Assert.That(text, Does.Match(@"(?m)^\s+- jq$"));
            Assert.That(text, Does.Contain("/var/lib/bash-cni/node-ready"), "the marker the bootstrap waits for");
        });

        // Rendered as Terraform would (the two template variables), it is valid cloud-config YAML.
        Assert.That(text, Does.Not.Contain("10.0.1."), "node addresses come from locals.nodes, not written again by hand");
        var rendered = text.Replace("${hostname}", "worker-1", StringComparison.Ordinal)
            .Replace("${kubernetes_minor_version}", "1.32", StringComparison.Ordinal)
            .Replace("${indent(6, lab_hosts)}", "10.0.1.10 master\n      10.0.1.11 worker-1\n      10.0.1.12 worker-2", StringComparison.Ordinal);
        Assert.That(rendered, Does.Not.Contain("${"), "a template variable Terraform does not pass");
        var config = YamlDoc.Load(rendered);
        Assert.That(config.Get("hostname").Text(), Is.EqualTo("worker-1"));
        Assert.That(config.Get("packages").Items().Select(p => p.Text()), Is.SupersetOf(new[] { "containerd", "jq" }));
        Assert.That(config.Get("runcmd").Items().Count(), Is.GreaterThan(10));
        Assert.That(config.Get("runcmd").Items().Last().Items().Select(i => i.Text()), Is.EqualTo(new[] { "touch", "/var/lib/bash-cni/node-ready" }));
        Assert.That(config.Get("runcmd").Items().First().Text(), Is.EqualTo("set -e"), "a failed step stops the node preparation before the ready marker");
        Assert.That(config.Get("write_files").Items().Single(f => f.Get("path").Text() == "/etc/hosts.lab").Get("content").Text(),
            Is.EqualTo("10.0.1.10 master\n10.0.1.11 worker-1\n10.0.1.12 worker-2\n"));
    }

    [Test]
    public void KubernetesBelow131IsRefused()
    {
        // The bootstrap writes kubeadm.k8s.io/v1beta4, which kubeadm reads from 1.31 on.
        var variables = File.ReadAllText(Path.Combine(AwsDir, "variables.tf"));
        Assert.That(variables, Does.Contain("tonumber(split(\".\", var.kubernetes_minor_version)[1]) >= 31"));
        var bootstrap = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Harness", "Kubernetes", "KubeadmBootstrap.cs"));
        Assert.That(bootstrap, Does.Contain("kubeadm.k8s.io/v1beta4"), "if the bootstrap's kubeadm API changes, change the minimum too");
    }

    /// <summary>Each broken copy of the Terraform must be caught, with the reason named.</summary>
    [TestCaseSource(nameof(MutationCases))]
    public void BrokenTerraformIsCaught(string name)
    {
        var mutation = Mutations.Single(m => m.Name == name);
        var model = Model(Path.Combine(_copies!.FullName, name));
        Assert.That(_mutationApplied, Does.Contain(name), "the mutation no longer applies to the Terraform; update the test");
        var problems = TerraformInvariants.Check(model);
        Evidence.Attach("violations", string.Join('\n', problems));
        Assert.That(problems, Has.Some.Contains(mutation.Expected));
    }
}
