using NUnit.Framework;
using BashCni.Harness;
using BashCni.Harness.Kubernetes;
using BashCni.Harness.Sandbox;
using k8s;
using k8s.Models;

namespace BashCni.Tests.Unit.Infra;

/// <summary>Target selection for real clusters: what is read from the environment, and the skip reason when nothing is set.</summary>
[TestFixture]
[Category("Unit")]
public sealed class KubernetesTargetTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] values)
    {
        var map = values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        return key => map.GetValueOrDefault(key);
    }

    [TestCase("kind")]
    [TestCase("kubeconfig")]
    [TestCase("aws")]
    public void WithoutKubeconfigTheReasonNamesKubeconfig(string target)
    {
        var reason = KubernetesClusterFactory.UnavailableReason(target, Env());
        Assert.That(reason, Does.StartWith($"cluster target '{target}' is not configured: set KUBECONFIG"));
    }

    [Test]
    public void CreatingTheKindBackendWithoutKubeconfigThrowsTheSpecificException()
    {
        var settings = KubernetesTargetSettings.FromEnvironment("kind", Env());
        var e = Assert.ThrowsAsync<ClusterNotConfiguredException>(() => KubernetesCluster.CreateAsync(settings, LocalRunner.Instance));
        Assert.Multiple(() =>
        {
            Assert.That(e!.Target, Is.EqualTo("kind"));
            Assert.That(e.Message, Does.Contain("KUBECONFIG"));
            Assert.That(e.Message, Does.Contain("kind get kubeconfig"));
        });
    }

    [Test]
    public void ClusterFactoryReportsTheSameReasonForTheProcessEnvironment()
    {
        if (Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } || Environment.GetEnvironmentVariable("BASHCNI_KUBECONFIG") is { Length: > 0 })
            Assert.Ignore("KUBECONFIG is set in this environment; this test checks the reason given when it is not");
        var reason = BashCni.Harness.Cluster.ClusterFactory.UnavailableReason("kind");
        Assert.That(reason, Does.Contain("set KUBECONFIG"));
    }

    [Test]
    public void MissingKubeconfigFileIsNamed()
    {
        var reason = KubernetesClusterFactory.UnavailableReason("kind", Env(("KUBECONFIG", "/nonexistent/kind.kubeconfig")));
        Assert.That(reason, Does.Contain("'/nonexistent/kind.kubeconfig', which does not exist"));
    }

    [Test]
    public void KubeconfigTargetNeedsAnSshKey()
    {
        var kubeconfig = Path.GetTempFileName();
        try
        {
            var reason = KubernetesClusterFactory.UnavailableReason("kubeconfig", Env(("KUBECONFIG", kubeconfig)));
            Assert.That(reason, Does.Contain("BASHCNI_SSH_KEY"));
            Assert.That(KubernetesClusterFactory.UnavailableReason("kubeconfig",
                Env(("KUBECONFIG", kubeconfig), ("BASHCNI_SSH_KEY", kubeconfig))), Is.Null);
            Assert.That(KubernetesClusterFactory.UnavailableReason("kind", Env(("KUBECONFIG", kubeconfig))), Is.Null,
                "kind reaches its nodes with docker and needs no SSH key");
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    [Test]
    public void AwsProvisioningNamesTerraformWhenItIsMissing()
    {
        var reason = KubernetesClusterFactory.UnavailableReason("aws",
            Env(("BASHCNI_AWS_PROVISION", "1"), ("BASHCNI_TERRAFORM", "/nonexistent/terraform")));
        Assert.That(reason, Does.Contain("terraform"));
        Assert.That(reason, Does.Contain("BASHCNI_TERRAFORM"));
    }

    [Test]
    public void SettingsAreReadFromTheEnvironment()
    {
        var s = KubernetesTargetSettings.FromEnvironment("kubeconfig", Env(
            ("KUBECONFIG", "/a/config:/b/config"),
            ("BASHCNI_NODE_MAP", "worker-1=n1, worker-2=n2,master=cp"),
            ("BASHCNI_SSH_USER", "ubuntu"),
            ("BASHCNI_SSH_KEY", "/keys/lab"),
            ("BASHCNI_SSH_BASTION", "jump@203.0.113.9:2222"),
            ("BASHCNI_SSH_HOSTS", "worker-1=198.51.100.11"),
            ("BASHCNI_OUTSIDE_HOST", "192.0.2.10"),
            ("BASHCNI_KEEP", "1")));
        Assert.Multiple(() =>
        {
            Assert.That(s.KubeconfigPath, Is.EqualTo("/a/config"));
            Assert.That(s.NodeMap.ToCluster("worker-2"), Is.EqualTo("n2"));
            Assert.That(s.NodeMap.ToLab("cp"), Is.EqualTo("master"));
            Assert.That(s.NodeAccess, Is.EqualTo("ssh"));
            Assert.That(s.SshUser, Is.EqualTo("ubuntu"));
            Assert.That(s.SshBastion, Is.EqualTo("jump@203.0.113.9:2222"));
            Assert.That(s.SshHosts["worker-1"], Is.EqualTo("198.51.100.11"));
            Assert.That(s.OutsideHost, Is.EqualTo("192.0.2.10"));
            Assert.That(s.Keep, Is.True);
        });
        var kind = KubernetesTargetSettings.FromEnvironment("kind", Env());
        Assert.That(kind.NodeAccess, Is.EqualTo("docker"));
        Assert.That(kind.NodeMap.ToCluster("worker-2"), Is.EqualTo("kind-worker2"));
    }

    [Test]
    public void NodeMapRejectsMalformedAndDuplicateEntries()
    {
        Assert.Throws<FormatException>(() => NodeNameMap.Parse("worker-1"));
        Assert.Throws<FormatException>(() => NodeNameMap.Parse("worker-1="));
        Assert.Throws<FormatException>(() => NodeNameMap.Parse("worker-1=a,worker-1=b"));
        Assert.Throws<FormatException>(() => NodeNameMap.Parse("worker-1=a,worker-2=a"));
        Assert.That(NodeNameMap.Parse("").ToCluster("master"), Is.EqualTo("master"));
    }

    [Test]
    public void SshEndpointParsesUserHostAndPort()
    {
        Assert.That(SshEndpoint.Parse("jump@203.0.113.9:2222", "ubuntu", "/k"), Is.EqualTo(new SshEndpoint("203.0.113.9", 2222, "jump", "/k")));
        Assert.That(SshEndpoint.Parse("bastion.example.org", "ubuntu", "/k"), Is.EqualTo(new SshEndpoint("bastion.example.org", 22, "ubuntu", "/k")));
    }

    [Test]
    public void LabPodsAreMappedOntoKindNodesWithoutTouchingTheOriginal()
    {
        var pods = KubernetesYaml.LoadAllFromString(File.ReadAllText(RepoPaths.Fixture("deploy.yaml"))).OfType<V1Pod>().ToList();
        Assert.That(pods, Is.Not.Empty);
        foreach (var pod in pods)
        {
            var labNode = pod.Spec.NodeSelector["kubernetes.io/hostname"];
            var mapped = KubernetesCluster.MapPod(pod, NodeNameMap.Kind, "bash-cni-test");
            Assert.Multiple(() =>
            {
                Assert.That(mapped.Spec.NodeSelector["kubernetes.io/hostname"], Is.EqualTo(NodeNameMap.Kind.ToCluster(labNode)));
                Assert.That(mapped.Spec.NodeSelector["kubernetes.io/hostname"], Does.StartWith("kind-"));
                Assert.That(mapped.Metadata.NamespaceProperty, Is.EqualTo("bash-cni-test"));
                Assert.That(mapped.Metadata.Name, Is.EqualTo(pod.Metadata.Name));
                Assert.That(mapped.Spec.Containers.Select(c => c.Image), Is.EqualTo(pod.Spec.Containers.Select(c => c.Image)));
                Assert.That(mapped.Spec.Tolerations, Has.Some.Matches<V1Toleration>(t => t.Key == "node-role.kubernetes.io/control-plane"));
                Assert.That(pod.Spec.NodeSelector["kubernetes.io/hostname"], Is.EqualTo(labNode), "the original pod was changed");
            });
        }
    }
}
