using System.Net;
using System.Text.Json.Nodes;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Infra;

/// <summary>
/// The API model's pod list across namespaces with the kubelet's field selector (<c>spec.nodeName=NAME</c>), which
/// PodLifecycleTests reads to tell a system pod's restart from a lost reservation: pods of every namespace on that
/// node, none of another node; any other selector is refused, not ignored.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class StrictApiPodListTests
{
    private static JsonArray Nodes() => new(
        new JsonObject { ["metadata"] = new JsonObject { ["name"] = "worker-1" }, ["spec"] = new JsonObject { ["podCIDR"] = "10.42.1.0/24" } },
        new JsonObject { ["metadata"] = new JsonObject { ["name"] = "worker-2" }, ["spec"] = new JsonObject { ["podCIDR"] = "10.42.2.0/24" } });

    private static string Pod(string name, string node) =>
        $$$"""{"metadata":{"name":"{{{name}}}"},"spec":{"nodeSelector":{"kubernetes.io/hostname":"{{{node}}}"},"containers":[{"name":"c","image":"docker.io/library/nginx:1.27"}]}}""";

    private static async Task<(HttpStatusCode Code, JsonObject Body)> SendAsync(FakeKubernetesApi api, HttpMethod method, string path, string? body = null)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{api.Port}") };
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    [Test]
    public async Task PodsOfEveryNamespaceOnOneNodeAreListed()
    {
        await using var api = new FakeKubernetesApi(Nodes());
        api.AddNamespace("bash-cni-test");
        api.AddNamespace("kube-system");
        await SendAsync(api, HttpMethod.Post, "/api/v1/namespaces/bash-cni-test/pods", Pod("web", "worker-2"));
        await SendAsync(api, HttpMethod.Post, "/api/v1/namespaces/kube-system/pods", Pod("coredns", "worker-2"));
        await SendAsync(api, HttpMethod.Post, "/api/v1/namespaces/kube-system/pods", Pod("coredns-other", "worker-1"));

        var (code, body) = await SendAsync(api, HttpMethod.Get, "/api/v1/pods?fieldSelector=spec.nodeName%3Dworker-2");
        var names = body["items"]!.AsArray().Select(p => $"{p!["metadata"]!["namespace"]}/{p["metadata"]!["name"]}").ToList();

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
            Assert.That(body["kind"]?.GetValue<string>(), Is.EqualTo("PodList"));
            Assert.That(names, Is.EqualTo(new[] { "bash-cni-test/web", "kube-system/coredns" }));
        });
    }

    [Test]
    public async Task AnotherFieldSelectorIsRefusedNotIgnored()
    {
        await using var api = new FakeKubernetesApi(Nodes());
        var (code, body) = await SendAsync(api, HttpMethod.Get, "/api/v1/pods?fieldSelector=status.phase%3DRunning");
        Assert.That(code, Is.EqualTo(HttpStatusCode.BadRequest), body.ToJsonString());
    }
}
