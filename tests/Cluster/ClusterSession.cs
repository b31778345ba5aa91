using System.Diagnostics;
using BashCni.Harness;
using BashCni.Harness.Cluster;
using k8s;
using k8s.Models;

namespace BashCni.Tests.Cluster;

/// <summary>
/// One cluster per run for the whole layer: started (local) or connected to (real clusters) once, nodes prepared
/// with the plugin, the four lab pods of fixtures/deploy.yaml deployed and running; torn down at the end.
/// </summary>
[SetUpFixture]
public sealed class ClusterSession
{
    private static ICluster? _cluster;
    private static string? _unavailable;
    private static Exception? _startFailure;

    public static string Target { get; private set; } = "local";

    private static IReadOnlyList<V1Pod> _labPods = [];

    /// <summary>The lab's pods as deployed (from fixtures/deploy.yaml); like <see cref="Require"/>, ignores or fails the
    /// calling test when the cluster is not there, so no test passes on an empty pod list.</summary>
    public static IReadOnlyList<V1Pod> LabPods
    {
        get
        {
            Require();
            return _labPods;
        }
    }

    public static TimeSpan StartupTime { get; private set; }

    /// <summary>The cluster, or Assert.Ignore with the reason it cannot run here; rethrows a start-up failure.</summary>
    public static ICluster Require()
    {
        if (_unavailable is not null) Assert.Ignore(_unavailable);
        if (_startFailure is BashCni.Harness.Kubernetes.ClusterNotConfiguredException notConfigured) Assert.Fail(notConfigured.WhatToSet);
        if (_startFailure is BashCni.Harness.Kubernetes.PreflightFailedException preflight) Assert.Fail(preflight.Message);
        if (_startFailure is not null) Assert.Fail($"the cluster did not come up: {_startFailure}");
        return _cluster ?? throw new InvalidOperationException("the cluster session did not run");
    }

    /// <summary>The cluster if it is up, else null (for diagnostics).</summary>
    public static ICluster? TryGet() => _cluster;

    public static IReadOnlyList<V1Pod> LoadLabPods() =>
        KubernetesYaml.LoadAllFromString(File.ReadAllText(RepoPaths.Fixture("deploy.yaml"))).OfType<V1Pod>().ToList();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Target = ClusterFactory.TargetFromEnvironment();
        if (ClusterFactory.UnavailableReason(Target) is { } why)
        {
            // A real target was chosen explicitly: not configured is a failure naming what to set, never a skip.
            if (Target != "local")
                _startFailure = new BashCni.Harness.Kubernetes.ClusterNotConfiguredException(Target, why);
            else
                _unavailable = why;
            return;
        }
        var clock = Stopwatch.StartNew();
        try
        {
            // KubernetesClient's YAML loader takes seconds to initialise: let it do so while the cluster starts.
            var labPods = Task.Run(LoadLabPods);
            _cluster = await ClusterFactory.CreateAsync(Target).ConfigureAwait(false);
            if (_cluster is BashCni.Harness.Kubernetes.KubernetesCluster real)
            {
                real.Progress = line => TestContext.Progress.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1} s] {line}");
                await real.PreflightAsync().ConfigureAwait(false); // first: a cluster that cannot work says why at once
            }
            var started = clock.Elapsed;
            _labPods = await labPods.ConfigureAwait(false);
            await _cluster.PrepareNodesAsync().ConfigureAwait(false);
            var prepared = clock.Elapsed;
            await Task.WhenAll(_labPods.Select(pod => _cluster.DeployPodAsync(pod))).ConfigureAwait(false);
            await Task.WhenAll(_labPods.Select(pod => PodWaits.RunningWithIpAsync(_cluster, pod.Metadata.Name))).ConfigureAwait(false);
            StartupTime = clock.Elapsed;
            await TestContext.Progress.WriteLineAsync(
                $"cluster '{Target}': up in {started.TotalSeconds:F1} s, nodes prepared at {prepared.TotalSeconds:F1} s, " +
                $"{_labPods.Count} pods running at {StartupTime.TotalSeconds:F1} s").ConfigureAwait(false);
            if (_cluster is LocalCluster local)
                await TestContext.Progress.WriteLineAsync("start-up (elapsed at the end of each phase): " +
                    string.Join(", ", local.StartupTimings.Select(t => $"{t.Key} {t.Value.TotalSeconds:F1} s"))).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _startFailure = e;
            if (_cluster is not null)
                await ClusterDiagnostics.WriteAsync(_cluster, "cluster start-up failed").ConfigureAwait(false);
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_cluster is null) return;
        var cluster = _cluster;
        _cluster = null;
        var clock = Stopwatch.StartNew();
        try
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            if (cluster is LocalCluster { TeardownNotes.Count: > 0 } local)
                await TestContext.Progress.WriteLineAsync("teardown notes:\n- " + string.Join("\n- ", local.TeardownNotes)).ConfigureAwait(false);
        }
        await TestContext.Progress.WriteLineAsync($"cluster '{Target}' torn down in {clock.Elapsed.TotalSeconds:F1} s").ConfigureAwait(false);
    }
}
