namespace BashCni.Tests.Unit.Reachability;

/// <summary>
/// Stand-ins for <c>iptables</c> and <c>ip</c> that keep rules, policies and routes in text files under
/// FAKE_NODE_STATE, plus a fake sysctl tree — enough to run the stage scripts without root and watch what they do.
/// </summary>
internal sealed class FakeNodeTools : IDisposable
{
    private const string Iptables = """
        #!/usr/bin/env bash
        set -euo pipefail
        state="${FAKE_NODE_STATE:?}"
        table=filter
        if [[ "${1:-}" == "-t" ]]; then table="$2"; shift 2; fi
        op="$1"; shift
        touch "$state/rules"
        echo "iptables -t $table $op $*" >> "$state/calls"
        case "$op" in
          -P) echo "$2" > "$state/policy-$table-$1" ;;
          -C) grep -qxF -- "$table $*" "$state/rules" ;;
          -A) echo "$table $*" >> "$state/rules" ;;
          -D)
            line="$table $*"
            grep -qxF -- "$line" "$state/rules" || { echo "iptables: Bad rule" >&2; exit 1; }
            awk -v l="$line" '!done && $0 == l { done = 1; next } { print }' "$state/rules" > "$state/rules.new"
            mv "$state/rules.new" "$state/rules" ;;
          *) echo "fake iptables: unsupported $op" >&2; exit 2 ;;
        esac
        """;

    private const string Ip = """
        #!/usr/bin/env bash
        set -euo pipefail
        state="${FAKE_NODE_STATE:?}"
        touch "$state/routes"
        echo "ip $*" >> "$state/calls"
        [[ "$1" == route ]] || { echo "fake ip: unsupported $*" >&2; exit 2; }
        case "$2" in
          replace)
            grep -v -- "^$3 " "$state/routes" > "$state/routes.new" || true
            mv "$state/routes.new" "$state/routes"
            echo "$3 via $5" >> "$state/routes" ;;
          del)
            route="$3 via $5"
            grep -qxF -- "$route" "$state/routes" || { echo "RTNETLINK answers: No such process" >&2; exit 2; }
            grep -vxF -- "$route" "$state/routes" > "$state/routes.new" || true
            mv "$state/routes.new" "$state/routes" ;;
          show)
            shift 2
            [[ "$1" == exact ]] && shift
            grep -xF -- "$1 via $3" "$state/routes" || true ;;
          *) echo "fake ip: unsupported $*" >&2; exit 2 ;;
        esac
        """;

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("reach-node-");

    public FakeNodeTools(string bridgeNf = "0", string ipForward = "1")
    {
        Directory.CreateDirectory(Bin);
        Directory.CreateDirectory(State);
        Directory.CreateDirectory(Path.Combine(ProcSys, "net", "bridge"));
        Directory.CreateDirectory(Path.Combine(ProcSys, "net", "ipv4"));
        File.WriteAllText(Path.Combine(ProcSys, "net", "bridge", "bridge-nf-call-iptables"), bridgeNf + "\n");
        File.WriteAllText(Path.Combine(ProcSys, "net", "ipv4", "ip_forward"), ipForward + "\n");
        Write("iptables", Iptables);
        Write("ip", Ip);
    }

    public string Bin => Path.Combine(_root.FullName, "bin");

    public string State => Path.Combine(_root.FullName, "state");

    public string ProcSys => Path.Combine(_root.FullName, "proc-sys");

    /// <summary>PATH with the fakes first; sbin dirs left out so the real tools cannot be reached by accident.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["PATH"] = Bin + ":/usr/bin:/bin",
        ["FAKE_NODE_STATE"] = State,
    };

    public IReadOnlyList<string> Rules => Lines("rules");

    public IReadOnlyList<string> Routes => Lines("routes");

    public IReadOnlyList<string> Calls => Lines("calls");

    public string? Policy(string table, string chain) =>
        File.Exists(Path.Combine(State, $"policy-{table}-{chain}")) ? File.ReadAllText(Path.Combine(State, $"policy-{table}-{chain}")).Trim() : null;

    public string BridgeNf => File.ReadAllText(Path.Combine(ProcSys, "net", "bridge", "bridge-nf-call-iptables")).Trim();

    public void AddRule(string rule) => File.AppendAllText(Path.Combine(State, "rules"), rule + "\n");

    public void AddRoute(string route) => File.AppendAllText(Path.Combine(State, "routes"), route + "\n");

    public void ClearCalls() => File.Delete(Path.Combine(State, "calls"));

    public void Dispose() => _root.Delete(true);

    private IReadOnlyList<string> Lines(string name)
    {
        var path = Path.Combine(State, name);
        return File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToList() : [];
    }

    private void Write(string name, string text)
    {
        var path = Path.Combine(Bin, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
