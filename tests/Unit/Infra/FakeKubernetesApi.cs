using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Infra;

/// <summary>
/// A tiny stand-in for the Kubernetes API on 127.0.0.1 (plain HTTP): a fixed node list, namespaces and pods kept in
/// memory. A created pod is reported Running on the node its hostname nodeSelector names, with an address from that
/// node's podCIDR; a deleted pod is still returned once (terminating) before it is gone. Every request is recorded.
/// </summary>
internal sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly JsonArray _nodes;
    private readonly ConcurrentDictionary<string, JsonObject> _pods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _terminating = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _namespaces = new(StringComparer.Ordinal);

    public FakeKubernetesApi(JsonArray nodes)
    {
        _nodes = nodes;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = ServeAsync();
    }

    public int Port { get; }

    public ConcurrentQueue<(string Method, string Path, string Body)> Requests { get; } = new();

    public string Kubeconfig => $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: fake
          cluster:
            server: http://127.0.0.1:{{Port}}
        contexts:
        - name: fake
          context:
            cluster: fake
            user: fake
        current-context: fake
        users:
        - name: fake
          user:
            token: not-a-secret
        """;

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            try
            {
                await HandleAsync(context).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                // the client went away
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
            body = await reader.ReadToEndAsync().ConfigureAwait(false);
        var path = request.Url!.AbsolutePath;
        Requests.Enqueue((request.HttpMethod, path, body));
        var parts = path.Trim('/').Split('/');
        var (status, json) = (request.HttpMethod, parts) switch
        {
            ("GET", ["api", "v1", "nodes"]) => (200, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "NodeList", ["items"] = _nodes.DeepClone() }),
            ("GET", ["api", "v1", "namespaces", var ns]) => _namespaces.ContainsKey(ns)
                ? (200, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } })
                : NotFound("namespaces", ns),
            ("POST", ["api", "v1", "namespaces"]) => CreateNamespace(body),
            ("DELETE", ["api", "v1", "namespaces", var ns]) => _namespaces.TryRemove(ns, out _) ? (200, Status("Success")) : NotFound("namespaces", ns),
            ("POST", ["api", "v1", "namespaces", _, "pods"]) => CreatePod(body),
            ("GET", ["api", "v1", "namespaces", _, "pods", var name]) => ReadPod(name),
            ("DELETE", ["api", "v1", "namespaces", _, "pods", var name]) => DeletePod(name),
            _ => (404, Status("Failure", "NotFound")),
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(json.ToJsonString());
        await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        context.Response.Close();
    }

    private (int, JsonObject) CreateNamespace(string body)
    {
        var ns = JsonNode.Parse(body)!.AsObject();
        _namespaces[ns["metadata"]!["name"]!.GetValue<string>()] = true;
        return (201, ns);
    }

    private (int, JsonObject) CreatePod(string body)
    {
        var pod = JsonNode.Parse(body)!.AsObject();
        var name = pod["metadata"]!["name"]!.GetValue<string>();
        var nodeName = pod["spec"]?["nodeSelector"]?["kubernetes.io/hostname"]?.GetValue<string>() ?? "";
        var node = _nodes.OfType<JsonObject>().FirstOrDefault(n => n["metadata"]!["name"]!.GetValue<string>() == nodeName);
        var cidr = node?["spec"]?["podCIDR"]?.GetValue<string>() ?? "10.244.9.0/24";
        var stored = (JsonObject)pod.DeepClone();
        stored["spec"]!["nodeName"] = nodeName;
        stored["status"] = new JsonObject { ["phase"] = "Running", ["podIP"] = cidr.Replace(".0/24", ".5", StringComparison.Ordinal) };
        _pods[name] = stored;
        return (201, (JsonObject)stored.DeepClone());
    }

    private (int, JsonObject) ReadPod(string name)
    {
        if (_terminating.TryGetValue(name, out var left))
        {
            if (left <= 0)
            {
                _terminating.TryRemove(name, out _);
                _pods.TryRemove(name, out _);
            }
            else
            {
                _terminating[name] = left - 1;
            }
        }
        return _pods.TryGetValue(name, out var pod) ? (200, (JsonObject)pod.DeepClone()) : NotFound("pods", name);
    }

    private (int, JsonObject) DeletePod(string name)
    {
        if (!_pods.TryGetValue(name, out var pod)) return NotFound("pods", name);
        _terminating[name] = 1;
        pod["metadata"]!["deletionTimestamp"] = "2026-01-01T00:00:00Z";
        return (200, (JsonObject)pod.DeepClone());
    }

    private static (int, JsonObject) NotFound(string kind, string name) => (404, Status("Failure", "NotFound", $"{kind} \"{name}\" not found"));

    private static JsonObject Status(string status, string? reason = null, string? message = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Status",
        ["status"] = status,
        ["reason"] = reason,
        ["message"] = message,
        ["code"] = status == "Success" ? 200 : 404,
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _listener.Close();
        _stop.Dispose();
    }
}
