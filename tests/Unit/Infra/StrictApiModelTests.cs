using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Infra;

/// <summary>
/// The strict API model where it must answer as kube-apiserver and the kubelet do (each case names its upstream
/// source in the model): an unschedulable pod stays Pending, ephemeral containers are added by strategic merge patch,
/// a JSON merge patch replaces the list, names are unique across containers, images are the kubelet's business, and
/// a new ephemeral container waits as ContainerCreating. Spoken to over plain HTTP, as any client would.
/// </summary>
[TestFixture]
[Category("Unit")]
[Category(BashCni.Harness.Layers.QuickRun.Category)]
public sealed class StrictApiModelTests
{
    private const string Ns = "bash-cni-test";
    private const string Netshoot = "docker.io/nicolaka/netshoot:v0.13";

    private static JsonArray Nodes() => new(new JsonObject
    {
        ["metadata"] = new JsonObject { ["name"] = "worker-1", ["labels"] = new JsonObject { ["kubernetes.io/hostname"] = "worker-1" } },
        ["spec"] = new JsonObject { ["podCIDR"] = "10.244.1.0/24" },
    });

    private static async Task<(HttpStatusCode Code, JsonObject Body)> SendAsync(FakeKubernetesApi api, HttpMethod method, string path,
        string? body = null, string contentType = "application/json")
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{api.Port}") };
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType));
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    private static async Task<FakeKubernetesApi> WithRunningPodAsync()
    {
        var api = new FakeKubernetesApi(Nodes());
        api.AddNamespace(Ns);
        var pod = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},"spec":{"nodeSelector":{"kubernetes.io/hostname":"worker-1"},"containers":[{"name":"nginx","image":"docker.io/library/nginx:1.27"}]}}""";
        Assert.That((await SendAsync(api, HttpMethod.Post, $"/api/v1/namespaces/{Ns}/pods", pod)).Code, Is.EqualTo(HttpStatusCode.Created));
        for (var i = 0; i < 3; i++) await SendAsync(api, HttpMethod.Get, $"/api/v1/namespaces/{Ns}/pods/web");
        return api;
    }

    private static string Ephemeral(string name, string image) =>
        new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["ephemeralContainers"] = new JsonArray(new JsonObject { ["name"] = name, ["image"] = image, ["command"] = new JsonArray("sleep", "infinity") }),
            },
        }.ToJsonString();

    private const string Strategic = "application/strategic-merge-patch+json";
    private const string Merge = "application/merge-patch+json";

    [Test]
    public async Task APodForANodeNoOneHasStaysPendingUnscheduledInsteadOfVanishing()
    {
        await using var api = new FakeKubernetesApi(Nodes());
        api.AddNamespace(Ns);
        var pod = """{"metadata":{"name":"lost"},"spec":{"nodeSelector":{"kubernetes.io/hostname":"worker-9"},"containers":[{"name":"c","image":"x"}]}}""";
        await SendAsync(api, HttpMethod.Post, $"/api/v1/namespaces/{Ns}/pods", pod);
        var (code, body) = await SendAsync(api, HttpMethod.Get, $"/api/v1/namespaces/{Ns}/pods/lost");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
            Assert.That(body["status"]?["phase"]?.GetValue<string>(), Is.EqualTo("Pending"));
            Assert.That(body["status"]?["conditions"]?[0]?["reason"]?.GetValue<string>(), Is.EqualTo("Unschedulable"));
            Assert.That(body["spec"]?["nodeName"], Is.Null);
        });
    }

    [Test]
    public async Task AStrategicMergePatchAddsAnEphemeralContainerWhileAJsonMergePatchThatDropsOneIs422()
    {
        await using var api = await WithRunningPodAsync();
        var path = $"/api/v1/namespaces/{Ns}/pods/web/ephemeralcontainers";
        var first = await SendAsync(api, HttpMethod.Patch, path, Ephemeral("probe-1", Netshoot), Strategic);
        var second = await SendAsync(api, HttpMethod.Patch, path, Ephemeral("probe-2", Netshoot), Strategic);
        var replace = await SendAsync(api, HttpMethod.Patch, path, Ephemeral("probe-3", Netshoot), Merge);
        Assert.Multiple(() =>
        {
            Assert.That(first.Code, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(second.Body["spec"]?["ephemeralContainers"]?.AsArray().Select(c => c!["name"]!.GetValue<string>()),
                Is.EqualTo(new[] { "probe-1", "probe-2" }), "a strategic merge patch adds by name");
            Assert.That(replace.Code, Is.EqualTo(HttpStatusCode.UnprocessableEntity),
                $"a JSON merge patch replaces the list, dropping probe-1 and probe-2: {replace.Body.ToJsonString()}");
        });
    }

    [Test]
    public async Task AnEphemeralContainerNamedLikeTheContainerIs422()
    {
        await using var api = await WithRunningPodAsync();
        var (code, body) = await SendAsync(api, HttpMethod.Patch, $"/api/v1/namespaces/{Ns}/pods/web/ephemeralcontainers", Ephemeral("nginx", Netshoot), Strategic);
        Assert.That(code, Is.EqualTo(HttpStatusCode.UnprocessableEntity), body.ToJsonString());
        Assert.That(body["message"]?.GetValue<string>(), Does.Contain("Duplicate value"));
    }

    [Test]
    public async Task AnyImageIsAcceptedAndItsPullFailsAtTheKubelet()
    {
        await using var api = await WithRunningPodAsync();
        var (code, body) = await SendAsync(api, HttpMethod.Patch, $"/api/v1/namespaces/{Ns}/pods/web/ephemeralcontainers",
            Ephemeral("probe", "registry.invalid/no/such:image"), Strategic);
        Assert.That(code, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        await SendAsync(api, HttpMethod.Get, $"/api/v1/namespaces/{Ns}/pods/web");
        var (_, pod) = await SendAsync(api, HttpMethod.Get, $"/api/v1/namespaces/{Ns}/pods/web");
        Assert.That(pod["status"]?["ephemeralContainerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.GetValue<string>(), Is.EqualTo("ErrImagePull"),
            pod["status"]?.ToJsonString());
    }

    [Test]
    public async Task ANewEphemeralContainerWaitsAsContainerCreating()
    {
        await using var api = await WithRunningPodAsync();
        var (_, body) = await SendAsync(api, HttpMethod.Patch, $"/api/v1/namespaces/{Ns}/pods/web/ephemeralcontainers", Ephemeral("probe", Netshoot), Strategic);
        Assert.That(body["status"]?["ephemeralContainerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.GetValue<string>(), Is.EqualTo("ContainerCreating"),
            body["status"]?.ToJsonString());
    }
}
