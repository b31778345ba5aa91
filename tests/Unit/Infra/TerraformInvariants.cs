using NUnit.Framework;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BashCni.Tests.Unit.Infra;

/// <summary>What the lab's Terraform must satisfy; <see cref="Check"/> lists every violation (empty = fine).</summary>
internal static partial class TerraformInvariants
{
    public static readonly string[] RequiredOutputs =
        ["ssh_user", "ssh_private_key_path", "node_names", "public_ips", "private_ips", "pod_cidrs", "master_public_ip", "pod_network"];

    public static readonly string[] RequiredVariables = ["region", "availability_zone", "instance_type", "key_name", "admin_cidr"];

    public static List<string> Check(TerraformModel tf)
    {
        ArgumentNullException.ThrowIfNull(tf);
        var problems = new List<string>();
        CheckInstances(tf, problems);
        CheckIngress(tf, problems);
        CheckNetwork(tf, problems);
        CheckPodRoutes(tf, problems);
        foreach (var output in RequiredOutputs.Where(o => !tf.Outputs.ContainsKey(o)))
            problems.Add($"output '{output}' is missing");
        foreach (var variable in RequiredVariables.Where(v => !tf.Variables.ContainsKey(v)))
            problems.Add($"variable '{variable}' is missing");
        if (tf.Variables.TryGetValue("admin_cidr", out var admin) && admin.ContainsKey("default"))
            problems.Add("variable 'admin_cidr' has a default: the admin network must be chosen by whoever applies");
        return problems;
    }

    private static void CheckInstances(TerraformModel tf, List<string> problems)
    {
        var instances = tf.ResourcesOf("aws_instance").ToList();
        var total = instances.Sum(i => tf.CountOf(i.Body));
        if (total != 3) problems.Add($"expected 3 EC2 instances, found {total}");
        foreach (var (_, name, body) in instances)
        {
            var ami = body["ami"]?.ToString() ?? "";
            if (!ami.StartsWith("${data.aws_ami.", StringComparison.Ordinal))
                problems.Add($"aws_instance.{name}: ami '{ami}' does not come from an aws_ami data source");
            if (body["source_dest_check"]?.ToString() is not "false" and not "False")
                problems.Add($"aws_instance.{name}: source_dest_check is not false (routed pod traffic would be dropped)");
            if (body["user_data"] is null)
                problems.Add($"aws_instance.{name}: no user_data (cloud-init) to prepare the node for kubeadm");
        }
        var amis = tf.DataSources.Where(d => d.Type == "aws_ami").ToList();
        if (amis.Count == 0) problems.Add("no aws_ami data source looks up the image");
        foreach (var (_, name, body) in amis)
            if (body["owners"] is not JsonArray { Count: > 0 })
                problems.Add($"data.aws_ami.{name}: no owners (any account's image could match)");
    }

    private static void CheckIngress(TerraformModel tf, List<string> problems)
    {
        var rules = new List<(string Where, JsonObject Rule)>();
        rules.AddRange(tf.ResourcesOf("aws_vpc_security_group_ingress_rule").Select(r => ($"aws_vpc_security_group_ingress_rule.{r.Name}", r.Body)));
        rules.AddRange(tf.ResourcesOf("aws_security_group_rule")
            .Where(r => r.Body["type"]?.ToString() == "ingress")
            .Select(r => ($"aws_security_group_rule.{r.Name}", r.Body)));
        foreach (var (_, name, body) in tf.ResourcesOf("aws_security_group"))
            if (body["ingress"] is JsonArray inline)
                rules.AddRange(inline.OfType<JsonObject>().Select(r => ($"aws_security_group.{name} (inline ingress)", r)));
        if (rules.Count == 0) problems.Add("no ingress rules at all: the nodes could not talk to each other");

        foreach (var (where, rule) in rules)
        {
            foreach (var cidr in Cidrs(rule))
                if (cidr is "0.0.0.0/0" or "::/0")
                    problems.Add($"{where}: ingress from the world ({cidr})");
            var from = rule["from_port"]?.ToString();
            var to = rule["to_port"]?.ToString();
            var protocol = rule["ip_protocol"]?.ToString() ?? rule["protocol"]?.ToString() ?? "";
            foreach (var port in new[] { "22", "6443" })
                if (from == port && to == port && Cidrs(rule).Any(c => c != "${var.admin_cidr}"))
                    problems.Add($"{where}: port {port} open to {string.Join(", ", Cidrs(rule))}, not only var.admin_cidr");
            if (protocol is "-1" or "all" && Cidrs(rule).Any(c => c is not ("${local.vpc_cidr}" or "${local.pod_network}" or "10.0.0.0/16" or "10.244.0.0/16")))
                problems.Add($"{where}: all traffic allowed from {string.Join(", ", Cidrs(rule))} (only the VPC and the pod network may)");
        }
    }

    private static IEnumerable<string> Cidrs(JsonObject rule)
    {
        foreach (var key in new[] { "cidr_ipv4", "cidr_ipv6" })
            if (rule[key] is { } v) yield return v.ToString();
        foreach (var key in new[] { "cidr_blocks", "ipv6_cidr_blocks" })
            if (rule[key] is JsonArray list)
                foreach (var v in list) yield return v?.ToString() ?? "";
    }

    private static void CheckNetwork(TerraformModel tf, List<string> problems)
    {
        var vpcs = tf.ResourcesOf("aws_vpc").Select(v => tf.ValueAt(v.Body["cidr_block"], 0)).Select(c => Resolve(tf, c)).ToList();
        if (!vpcs.Contains("10.0.0.0/16")) problems.Add($"no VPC 10.0.0.0/16 (found: {string.Join(", ", vpcs)})");
        var subnets = tf.ResourcesOf("aws_subnet").Select(s => Resolve(tf, s.Body["cidr_block"]?.ToString() ?? "")).ToList();
        if (!subnets.Contains("10.0.1.0/24")) problems.Add($"no subnet 10.0.1.0/24 (found: {string.Join(", ", subnets)})");
        if (!tf.ResourcesOf("aws_internet_gateway").Any()) problems.Add("no internet gateway");
        if (!tf.ResourcesOf("aws_route_table").Any()) problems.Add("no route table");
        if (!tf.ResourcesOf("aws_route_table_association").Any()) problems.Add("the route table is not associated with the subnet");
    }

    private static void CheckPodRoutes(TerraformModel tf, List<string> problems)
    {
        var instanceNames = tf.ResourcesOf("aws_instance").Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var podRoutes = new List<(string Destination, string Target, int Index)>();
        foreach (var (_, name, body) in tf.ResourcesOf("aws_route"))
        {
            var eni = body["network_interface_id"]?.ToString() ?? "";
            var m = InstanceEni().Match(eni);
            if (!m.Success) continue;
            if (!instanceNames.Contains(m.Groups[1].Value))
            {
                problems.Add($"aws_route.{name}: targets unknown instance {m.Groups[1].Value}");
                continue;
            }
            var count = tf.CountOf(body);
            for (var i = 0; i < count; i++)
            {
                var index = m.Groups[2].Value == "count.index" ? i : int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                podRoutes.Add((Resolve(tf, tf.ValueAt(body["destination_cidr_block"], i)), m.Groups[1].Value, index));
            }
        }
        var destinations = podRoutes.Select(r => r.Destination).ToList();
        if (destinations.Count != 3 || destinations.Distinct(StringComparer.Ordinal).Count() != 3)
            problems.Add($"expected 3 distinct pod-subnet routes to the nodes' interfaces, found: [{string.Join(", ", destinations)}]");
        foreach (var (dest, target, index) in podRoutes)
        {
            if (!InsidePodNetwork(dest)) problems.Add($"pod route {dest} → {target}[{index}] is not a /24 inside 10.244.0.0/16");
        }
        if (podRoutes.Select(r => r.Index).Distinct().Count() != podRoutes.Count)
            problems.Add("two pod subnets are routed to the same node");
    }

    private static string Resolve(TerraformModel tf, string value)
    {
        var m = PlainLocal().Match(value);
        return m.Success ? tf.Locals[m.Groups[1].Value]?.ToString() ?? value : value;
    }

    private static bool InsidePodNetwork(string cidr)
    {
        var parts = cidr.Split('/');
        return parts.Length == 2 && parts[1] == "24" && IPAddress.TryParse(parts[0], out var ip)
               && ip.GetAddressBytes() is [10, 244, _, 0];
    }

    [GeneratedRegex(@"^\$\{aws_instance\.(\w+)\[(count\.index|\d+)\]\.primary_network_interface_id\}$")]
    private static partial Regex InstanceEni();

    [GeneratedRegex(@"^\$\{local\.(\w+)\}$")]
    private static partial Regex PlainLocal();
}
