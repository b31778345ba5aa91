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

    private static async Task<TerraformModel> LoadAsync(string dir)
    {
        var result = await NodeTools.RunAsync("hcl2json.cjs", dir);
        Evidence.Attach("hcl2json", result.ToString());
        Assert.That(result.ExitCode, Is.Zero, $"HCL did not convert:\n{result.Stderr}");
        return new TerraformModel(JsonNode.Parse(result.Stdout)!.AsObject());
    }

    [Test]
    public async Task EveryTerraformFileParses()
    {
        var tf = await LoadAsync(AwsDir);
        var onDisk = Directory.EnumerateFiles(AwsDir, "*.tf").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.That(tf.FileNames, Is.EquivalentTo(onDisk));
        Assert.That(onDisk, Has.Count.GreaterThanOrEqualTo(5));
    }

    [Test]
    public async Task LabTerraformSatisfiesEveryInvariant()
    {
        var tf = await LoadAsync(AwsDir);
        var problems = TerraformInvariants.Check(tf);
        Evidence.Attach("violations", string.Join('\n', problems));
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task ThreeInstancesWithSourceDestCheckOffAndAmiFromDataSource()
    {
        var tf = await LoadAsync(AwsDir);
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
    public async Task PodSubnetsAreRoutedToTheirNodes()
    {
        var tf = await LoadAsync(AwsDir);
        var route = tf.ResourcesOf("aws_route").Single(r => r.Body["network_interface_id"] is not null).Body;
        var count = tf.CountOf(route);
        var destinations = Enumerable.Range(0, count).Select(i => tf.ValueAt(route["destination_cidr_block"], i)).ToList();
        Assert.That(destinations, Is.EqualTo(new[] { "10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24" }));
        Assert.That(route["network_interface_id"]!.ToString(), Is.EqualTo("${aws_instance.node[count.index].primary_network_interface_id}"));
        var names = Enumerable.Range(0, 3).Select(i => tf.ValueAt(JsonValue.Create("${local.nodes[count.index].name}"), i));
        Assert.That(names, Is.EqualTo(new[] { "master", "worker-1", "worker-2" }), "route index i must be node i");
    }

    [Test]
    public async Task OutputsTheHarnessReadsArePresent()
    {
        var tf = await LoadAsync(AwsDir);
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
    }

    /// <summary>Each broken copy of the Terraform must be caught, with the reason named.</summary>
    [TestCase("security.tf", "cidr_ipv4         = var.admin_cidr", "cidr_ipv4         = \"0.0.0.0/0\"", "ingress from the world")]
    [TestCase("security.tf", "cidr_ipv4         = local.pod_network", "cidr_ipv4         = \"172.16.0.0/12\"", "all traffic allowed from")]
    [TestCase("instances.tf", "source_dest_check = false", "source_dest_check = true", "source_dest_check is not false")]
    [TestCase("instances.tf", "ami                    = data.aws_ami.ubuntu.id", "ami                    = \"ami-0123456789abcdef0\"", "does not come from an aws_ami data source")]
    [TestCase("locals.tf", "    { name = \"worker-2\", private_ip = \"10.0.1.12\", pod_cidr = \"10.244.2.0/24\", role = \"worker\" },\n", "", "expected 3 EC2 instances")]
    [TestCase("network.tf", "destination_cidr_block = local.nodes[count.index].pod_cidr", "destination_cidr_block = \"10.244.0.0/16\"", "expected 3 distinct pod-subnet routes")]
    [TestCase("outputs.tf", "output \"public_ips\"", "output \"addresses\"", "output 'public_ips' is missing")]
    [TestCase("variables.tf", "  type        = string\n\n  validation {\n    condition     = can(cidrhost(var.admin_cidr, 0))", "  type        = string\n  default     = \"0.0.0.0/0\"\n\n  validation {\n    condition     = can(cidrhost(var.admin_cidr, 0))", "has a default")]
    public async Task BrokenTerraformIsCaught(string file, string original, string replacement, string expectedProblem)
    {
        var copy = Directory.CreateTempSubdirectory("bashcni-tf-");
        try
        {
            foreach (var f in Directory.EnumerateFiles(AwsDir))
                File.Copy(f, Path.Combine(copy.FullName, Path.GetFileName(f)));
            var path = Path.Combine(copy.FullName, file);
            var text = await File.ReadAllTextAsync(path);
            Assert.That(text, Does.Contain(original), "the mutation no longer applies to the Terraform; update the test");
            await File.WriteAllTextAsync(path, text.Replace(original, replacement, StringComparison.Ordinal));
            var problems = TerraformInvariants.Check(await LoadAsync(copy.FullName));
            Evidence.Attach("violations", string.Join('\n', problems));
            Assert.That(problems, Has.Some.Contains(expectedProblem));
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }
}
