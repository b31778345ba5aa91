using BashCni.Harness.Cluster;
using BashCni.Harness.Cni;
using BashCni.Harness.Reporting;
using k8s;
using k8s.Models;

namespace BashCni.Tests.Cluster;

/// <summary>
/// A burst of pods created at once on one node: the runtime runs their CNI ADDs concurrently, so an IPAM store
/// without proper locking hands one address to two pods. Every pod must get its own address.
/// </summary>
[Category("Cluster")]
public sealed class ConcurrentPodTests : ClusterTest
{
    private const int BurstSize = 12;

    [Test]
    public async Task PodsCreatedTogetherOnOneNodeGetDistinctAddresses()
    {
        var template = ClusterSession.LabPods.Single(p => p.Metadata.Name == "bash-worker-1");
        var nodeName = PodTranslator.TargetNode(template)!;
        var cidr = Cidr.Parse(Cluster.Nodes.Single(n => n.Name == nodeName).PodCidr);
        var burst = Enumerable.Range(1, BurstSize).Select(i => Clone(template, $"burst-{i}")).ToList();
        var created = new List<string>();
        var burstIps = new List<string>();
        Exception? primary = null;
        try
        {
            var deploys = burst.Select(async pod =>
            {
                await Cluster.DeployPodAsync(pod).ConfigureAwait(false);
                lock (created) created.Add(pod.Metadata.Name);
            }).ToList();
            await Evidence.StepAsync($"create {BurstSize} pods on {nodeName} at once", () => Task.WhenAll(deploys));
            var states = await Task.WhenAll(burst.Select(p => PodWaits.RunningWithIpAsync(Cluster, p.Metadata.Name)));
            burstIps.AddRange(states.Select(s => s.Ip!));
            var lab = new List<PodState>();
            foreach (var pod in ClusterSession.LabPods)
                if (await Cluster.GetPodAsync(pod.Metadata.Name) is { } state) lab.Add(state);
            var store = await NodeFacts.IpamStoreAsync(Cluster, nodeName);
            Evidence.Attach("burst pods", string.Join('\n', states.Select(s => $"{s.Name} {s.Ip}")));
            Evidence.Attach($"IPAM store of {nodeName}", string.Join('\n', store.Select(kv => $"{kv.Key} {kv.Value}")));

            var everyone = states.Concat(lab).ToList();
            var duplicates = everyone.GroupBy(s => s.Ip).Where(g => g.Count() > 1)
                .Select(g => $"{g.Key}: {string.Join(", ", g.Select(s => s.Name))}").ToList();
            Assert.Multiple(() =>
            {
                Assert.That(duplicates, Is.Empty, "addresses handed to more than one pod");
                foreach (var state in states)
                {
                    Assert.That(cidr.Contains(state.Ip!), Is.True, $"{state.Name}: {state.Ip} inside {cidr}");
                    Assert.That(store.Keys, Does.Contain(state.Ip), $"{state.Name}: {state.Ip} reserved in the node's IPAM store");
                }
                // On the local cluster the lab's pods and the burst are all there is on the node.
                if (Cluster.Kind == "local")
                {
                    var onNode = everyone.Where(s => s.Node == nodeName).Select(s => s.Ip).ToList();
                    Assert.That(store.Keys.Where(ip => !onNode.Contains(ip)), Is.Empty, "reservations without a pod");
                }
            });
        }
        catch (Exception e)
        {
            primary = e;
            throw;
        }
        finally
        {
            // Deleting the burst is part of what is tested: a failed deletion (a failing CNI DEL) fails the test;
            // when the test already failed, it is added to the evidence of that failure.
            var failures = new List<string>();
            foreach (var name in created)
            {
                try
                {
                    await Cluster.DeletePodAsync(name);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures.Add($"{name}: {e.Message}");
                }
            }
            // On the local cluster a deletion is synchronous (CRI RemovePodSandbox runs the CNI DEL): the burst's
            // reservations must be gone with it.
            if (failures.Count == 0 && Cluster.Kind == "local" && burstIps.Count > 0)
            {
                var store = await NodeFacts.IpamStoreAsync(Cluster, nodeName);
                failures.AddRange(burstIps.Where(store.ContainsKey).Select(ip => $"{ip} still reserved after its pod was deleted"));
            }
            if (failures.Count > 0)
            {
                var text = "deleting the burst pods failed:\n  " + string.Join("\n  ", failures);
                Evidence.Attach("burst pods that could not be deleted", text);
                if (primary is null) Assert.Fail(text);
            }
        }
    }

    private static V1Pod Clone(V1Pod template, string name)
    {
        var pod = KubernetesYaml.Deserialize<V1Pod>(KubernetesYaml.Serialize(template));
        pod.Metadata.Name = name;
        pod.Metadata.Labels = new Dictionary<string, string> { ["app"] = "burst" };
        return pod;
    }
}
