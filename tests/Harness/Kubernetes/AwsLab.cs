using BashCni.Harness.Sandbox;
using NUnit.Framework;

namespace BashCni.Harness.Kubernetes;

/// <summary>
/// The lab on AWS, provisioned for one run: <c>terraform init/apply</c> in infra/aws, the kubeadm bootstrap over SSH,
/// a kubeconfig under infra/aws/.lab; disposal runs <c>terraform destroy</c> unless BASHCNI_KEEP=1.
/// Selected by <c>run-tests.sh cluster --target aws --provision</c> (BASHCNI_AWS_PROVISION=1).
/// </summary>
public sealed class AwsLab : IAsyncDisposable
{
    private readonly AwsLabSettings _settings;
    private readonly ICommandRunner _runner;
    private readonly Action<string> _progress;
    private int _disposed;

    private AwsLab(AwsLabSettings settings, ICommandRunner runner, Action<string> progress, AwsLabOutputs outputs, string kubeconfigPath)
    {
        _settings = settings;
        _runner = runner;
        _progress = progress;
        Outputs = outputs;
        KubeconfigPath = kubeconfigPath;
    }

    public AwsLabOutputs Outputs { get; }

    public string KubeconfigPath { get; }

    public static bool ProvisionRequested(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return HarnessEnvironment.Get("AWS_PROVISION", environment) is "1" or "true";
    }

    /// <summary>Applies the Terraform, bootstraps Kubernetes and installs the plugin; destroys again if that fails
    /// (unless keep is set).</summary>
    public static async Task<AwsLab> ProvisionAsync(AwsLabSettings settings, ICommandRunner runner, Action<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.EnsureUsable();
        progress ??= static line => TestContext.Progress.WriteLine("[aws] " + line);
        await TerraformAsync(settings, runner, progress, "init", ["init", "-input=false", "-no-color"], TimeSpan.FromMinutes(10), cancellationToken)
            .ConfigureAwait(false);
        try
        {
            await TerraformAsync(settings, runner, progress, "apply",
                ["apply", "-input=false", "-no-color", "-auto-approve", "-var-file=" + settings.VarFile], TimeSpan.FromMinutes(30), cancellationToken)
                .ConfigureAwait(false);
            var json = await TerraformAsync(settings, runner, progress, "output", ["output", "-json", "-no-color"], TimeSpan.FromMinutes(2), cancellationToken)
                .ConfigureAwait(false);
            var outputs = AwsLabOutputs.Parse(json.Stdout);

            var access = outputs.NodeNames.ToDictionary(n => n, n => (INodeAccess)new SshNodeAccess(n,
                new SshEndpoint(outputs.PublicIps[n], 22, outputs.SshUser, outputs.SshPrivateKeyPath)), StringComparer.Ordinal);
            try
            {
                var kubeconfig = await new KubeadmBootstrap(outputs, access, progress)
                    .RunAsync(RepoPaths.PluginDir, cancellationToken).ConfigureAwait(false);
                Directory.CreateDirectory(settings.StateDirectory);
                var path = Path.Combine(settings.StateDirectory, "kubeconfig");
                await File.WriteAllTextAsync(path, kubeconfig, cancellationToken).ConfigureAwait(false);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                progress($"cluster ready; kubeconfig {path}");
                return new AwsLab(settings, runner, progress, outputs, path);
            }
            finally
            {
                foreach (var a in access.Values) await a.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch when (!settings.Keep)
        {
            progress("provisioning failed: destroying what was created (set BASHCNI_KEEP=1 to keep it for inspection)");
            await DestroyAsync(settings, runner, progress, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Settings for <see cref="KubernetesCluster"/> on this lab (SSH to the public addresses).</summary>
    public KubernetesTargetSettings ClusterSettings(KubernetesTargetSettings fromEnvironment)
    {
        ArgumentNullException.ThrowIfNull(fromEnvironment);
        return fromEnvironment with
        {
            KubeconfigPath = KubeconfigPath,
            NodeAccess = "ssh",
            NodeMap = NodeNameMap.Identity,
            SshUser = Outputs.SshUser,
            SshKeyPath = Outputs.SshPrivateKeyPath,
            SshPort = 22,
            SshHosts = Outputs.PublicIps,
            PodNetwork = Outputs.PodNetwork,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_settings.Keep)
        {
            _progress($"keeping the lab (BASHCNI_KEEP=1); remove it with: terraform -chdir={_settings.TerraformDirectory} destroy -var-file={_settings.VarFile}");
            return;
        }
        await DestroyAsync(_settings, _runner, _progress, CancellationToken.None).ConfigureAwait(false);
    }

    private static Task<CommandResult> DestroyAsync(AwsLabSettings settings, ICommandRunner runner, Action<string> progress, CancellationToken cancellationToken) =>
        TerraformAsync(settings, runner, progress, "destroy",
            ["destroy", "-input=false", "-no-color", "-auto-approve", "-var-file=" + settings.VarFile], TimeSpan.FromMinutes(30), cancellationToken);

    private static async Task<CommandResult> TerraformAsync(AwsLabSettings settings, ICommandRunner runner, Action<string> progress, string step,
        IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        progress($"terraform {step}");
        var result = await runner.RunAsync(settings.Terraform, ["-chdir=" + settings.TerraformDirectory, .. arguments],
            new CommandOptions { Timeout = timeout, Environment = new Dictionary<string, string?> { ["TF_IN_AUTOMATION"] = "1" } },
            cancellationToken).ConfigureAwait(false);
        progress($"terraform {step}: exit {result.ExitCode} after {result.Duration.TotalSeconds:F0} s");
        return result.EnsureSuccess();
    }
}
