using System.Diagnostics;
using CliWrap;

namespace BashCni.Harness.Sandbox;

/// <summary>
/// The sandbox anchor: one <c>unshare --net --mount</c> process that holds a private network and mount namespace
/// (guarded: it refuses to start where <c>eth0</c> or a default route is visible) with private tmpfs over every
/// directory a plugin or runtime writes to. The test process never switches namespace; every network command runs
/// inside the anchor's namespaces through <see cref="Runner"/> (<c>nsenter</c>). When the anchor's stdin closes —
/// on disposal or when the test process dies — it kills what still runs in its namespaces and exits, and the
/// namespaces vanish with it.
/// </summary>
public sealed class SandboxHost : IAsyncDisposable
{
    /// <summary>
    /// Directories that get a private tmpfs inside the sandbox, in this order (all of /run first, so nothing a plugin
    /// or runtime writes under /run — locks, sockets, state — reaches the real machine). A directory the machine does
    /// not have is created inside a private overlay of its nearest existing ancestor, never on the machine.
    /// </summary>
    public static readonly IReadOnlyList<string> PrivateDirectories =
        ["/run", "/run/netns", "/var/lib/cni", "/etc/cni/net.d", "/opt/cni/bin", "/var/log", "/run/containerd", "/run/sshd"];

    private const string AnchorScript = """
        set -euo pipefail
        if ip link show eth0 >/dev/null 2>&1; then echo "sandbox guard: eth0 is visible, refusing to continue" >&2; exit 98; fi
        if ip route show default | grep -q .; then echo "sandbox guard: a default route is visible, refusing to continue" >&2; exit 98; fi
        # Nothing here may write to the machine's directories. /run is mounted first, so nothing lands in the machine's
        # /run; every mount is made with -n (libmount keeps no utab or lock under /run/mount); a mount point that does
        # not exist (e.g. /etc/cni/net.d on a fresh machine) is made inside an overlay of its nearest existing
        # ancestor, whose upper layer lives on the private /run, with the ancestor's own submounts bound back.
        [ "${1:-}" = /run ] || { echo "sandbox: the first private directory must be /run" >&2; exit 97; }
        mount -n -t tmpfs -o mode=0755 tmpfs /run
        shift
        overlaid=" "
        overlay() {
          local dir="$1" stash sub kept=""
          stash="/run/.sandbox-overlay/$(printf '%s' "${dir#/}" | tr / _)"
          mkdir -p "$stash/lower" "$stash/upper" "$stash/work"
          mount -n --rbind "$dir" "$stash/lower"
          mount -n -t overlay overlay -o "lowerdir=$stash/lower,upperdir=$stash/upper,workdir=$stash/work" "$dir"
          while read -r sub; do
            [ -n "$kept" ] && case "$sub/" in "$kept"/*) continue ;; esac
            kept="$sub"
            mount -n --rbind "$stash/lower${sub#"$dir"}" "$sub"
          done < <(findmnt -rn -o TARGET --task $$ | awk -v p="$dir/" 'index($0, p) == 1' | sort)
          overlaid+="$dir "
        }
        for d in "$@"; do
          if [ ! -d "$d" ]; then
            a="$(dirname "$d")"
            while [ ! -d "$a" ]; do a="$(dirname "$a")"; done
            [ "$a" != / ] || { echo "sandbox: cannot make $d without writing the machine's /" >&2; exit 97; }
            case "$a" in /run|/run/*) ;; *) case "$overlaid" in *" $a "*) ;; *) overlay "$a" ;; esac ;; esac
            mkdir -p "$d"
          fi
          mount -n -t tmpfs -o mode=0755 tmpfs "$d"
        done
        ip link set lo up
        echo "READY $$"
        cat >/dev/null || true
        # stdin closed: stop whatever still runs in this sandbox's network namespaces (all started by this run).
        self=$$
        mine=" $(stat -L -c %i /proc/self/ns/net) "
        for f in /run/netns/*; do [ -e "$f" ] && mine+="$(stat -L -c %i "$f") "; done
        for p in /proc/[0-9]*; do
          pid=${p#/proc/}
          [ "$pid" = "$self" ] && continue
          ino=$(stat -L -c %i "$p/ns/net" 2>/dev/null) || continue
          case "$mine" in *" $ino "*) kill -9 "$pid" 2>/dev/null || true ;; esac
        done
        """;

    private readonly CancellationTokenSource _release;
    private readonly CommandTask<CliWrap.CommandResult> _anchor;
    private int _disposed;

    private SandboxHost(CommandTask<CliWrap.CommandResult> anchor, int pid, CancellationTokenSource release)
    {
        _anchor = anchor;
        _release = release;
        AnchorPid = pid;
        Runner = new SandboxRunner(pid);
    }

    /// <summary>PID of the process that holds the namespaces.</summary>
    public int AnchorPid { get; }

    /// <summary>Runs commands inside the sandbox (optionally inside a named netns of it).</summary>
    public ICommandRunner Runner { get; }

    /// <summary>True when this process may create a sandbox (root).</summary>
    public static bool CanCreate => Environment.IsPrivilegedProcess;

    /// <summary>Why a sandbox cannot be made here, or null.</summary>
    public static string? UnavailableReason =>
        CanCreate ? null : "needs root to create network namespaces: run 'sudo ./run-tests.sh' (or sudo dotnet test)";

    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static SandboxHost? _shared;

    /// <summary>One sandbox per test process, started on first use; disposed by <see cref="DisposeSharedAsync"/>.</summary>
    public static async Task<SandboxHost> GetSharedAsync(CancellationToken cancellationToken = default)
    {
        await SharedGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_shared is null)
            {
                _shared = await StartAsync(cancellationToken).ConfigureAwait(false);
                AppDomain.CurrentDomain.ProcessExit += (_, _) => _shared?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
            }
            return _shared;
        }
        finally
        {
            SharedGate.Release();
        }
    }

    public static async Task DisposeSharedAsync()
    {
        await SharedGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_shared is not null) await _shared.DisposeAsync().ConfigureAwait(false);
            _shared = null;
        }
        finally
        {
            SharedGate.Release();
        }
    }

    /// <summary>Starts a new anchor and waits until its guard passed and its mounts are in place.</summary>
    public static async Task<SandboxHost> StartAsync(CancellationToken cancellationToken = default)
    {
        if (!CanCreate) throw new InvalidOperationException(UnavailableReason);
        var ready = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new System.Text.StringBuilder();
        var release = new CancellationTokenSource();
        var stdin = PipeSource.Create(async (_, ct) =>
        {
            try { await Task.Delay(Timeout.Infinite, release.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        });
        var task = Cli.Wrap("unshare")
            .WithArguments(["--net", "--mount", "--propagation", "private", "--", "bash", "-c", AnchorScript, "anchor", .. PrivateDirectories])
            .WithValidation(CommandResultValidation.None)
            .WithStandardInputPipe(stdin)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line => { if (line.StartsWith("READY", StringComparison.Ordinal)) ready.TrySetResult(true); }))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .ExecuteAsync(CancellationToken.None);
        var host = new SandboxHost(task, task.ProcessId, release);

        var finished = await Task.WhenAny(ready.Task, task.Task, Task.Delay(TimeSpan.FromMinutes(2), cancellationToken)).ConfigureAwait(false);
        if (finished != ready.Task)
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"sandbox anchor did not start: {stderr.ToString().Trim()}");
        }
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _release.CancelAsync().ConfigureAwait(false);
        var done = await Task.WhenAny(_anchor.Task, Task.Delay(TimeSpan.FromSeconds(15))).ConfigureAwait(false);
        if (done != _anchor.Task)
        {
            try { Process.GetProcessById(AnchorPid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        }
        _release.Dispose();
    }
}
