using System.Text.RegularExpressions;

namespace BashCni.Harness.Reachability;

/// <summary>The commands a probe runs inside the source pod, and how their outcome and its reason are read.</summary>
public static partial class ProbeCommands
{
    /// <summary>
    /// HTTP GET with a 2 s limit using whichever client the pod has; <c>$1</c> is the URL. curl runs without
    /// <c>-f</c> and prints the status it got (<c>%{http_code}</c>, 000 when none), so an answered 4xx/5xx is told
    /// apart from no answer; wget prints the server's status in its error. 127 when the pod has neither client (a
    /// probe error, not "unreachable").
    /// </summary>
    public const string HttpScript =
        "if command -v curl >/dev/null 2>&1; then exec curl -sS --max-time 2 -o /dev/null -w '%{http_code}\\n' \"$1\"; " +
        "elif command -v wget >/dev/null 2>&1; then exec wget -q -T 2 -O /dev/null \"$1\"; " +
        "else echo 'neither curl nor wget in this pod' >&2; exit 127; fi";

    /// <summary>One echo request, one second to answer.</summary>
    public static IReadOnlyList<string> Icmp(string address) => ["ping", "-c1", "-W1", address];

    public static IReadOnlyList<string> Http(string url) => ["sh", "-c", HttpScript, "http-probe", url];

    /// <summary>
    /// The outcome of a probe and why, from its exit code and output.
    /// <para>ICMP (iputils and busybox ping): exit 0 → reply; an ICMP unreachable or no route ("Destination Host
    /// Unreachable", "Network is unreachable", iputils' exit 2) → unreachable; "Packet filtered" (ICMP
    /// administratively prohibited) → refused; exit 1 otherwise (the request went out, nothing came back) → no reply;
    /// a ping that could not open its socket, a bad address or any other exit → probe error.</para>
    /// <para>HTTP (curl without -f, wget): a status line 2xx/3xx → reply, any other status answered → HTTP status
    /// (the server was reached: "no" for that reason); curl 7 → refused (unreachable when it says "no route" or
    /// "unreachable"); curl 28 or wget's "timed out" → no reply; curl 3/6 (bad URL, name not resolved) and
    /// anything not recognised → probe error. Exit codes: curl(1) "EXIT CODES"; wget(1) "EXIT STATUS".</para>
    /// 126/127 (command missing or not executable) are probe errors for both.
    /// </summary>
    public static ProbeOutcome Classify(ProbeProtocol protocol, int exitCode, string stdout, string stderr)
    {
        stdout ??= "";
        stderr ??= "";
        if (exitCode is 126 or 127) return ProbeOutcome.Error;
        var output = stdout + "\n" + stderr;
        if (Has(output, "executable file not found") || Has(output, "socket:") || Has(output, "permission denied")
            || Has(output, "operation not permitted"))
            return ProbeOutcome.Error;
        return protocol == ProbeProtocol.Http ? ClassifyHttp(exitCode, stdout, output) : ClassifyIcmp(exitCode, output);
    }

    private static ProbeOutcome ClassifyIcmp(int exitCode, string output)
    {
        if (exitCode == 0) return new(Reach.Yes, ProbeReason.Reply);
        if (Has(output, "bad address") || Has(output, "unknown host") || Has(output, "name or service not known")
            || Has(output, "usage:") || Has(output, "invalid argument"))
            return ProbeOutcome.Error;
        if (Has(output, "unreachable") || Has(output, "no route to host")) return new(Reach.No, ProbeReason.Unreachable);
        if (Has(output, "packet filtered") || Has(output, "prohibited")) return new(Reach.No, ProbeReason.Refused);
        return exitCode switch
        {
            1 => new(Reach.No, ProbeReason.NoReply),
            2 => new(Reach.No, ProbeReason.Unreachable),
            _ => ProbeOutcome.Error,
        };
    }

    private static ProbeOutcome ClassifyHttp(int exitCode, string stdout, string output)
    {
        var status = StatusLine().Match(stdout);
        var code = status.Success ? int.Parse(status.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
        if (exitCode == 0)
        {
            // curl printed the status it got; wget exits 0 only for a successful answer and prints nothing.
            if (code is null) return new(Reach.Yes, ProbeReason.Reply);
            if (code is >= 200 and < 400) return new(Reach.Yes, ProbeReason.Reply);
            return code is >= 100 and < 600 ? new(Reach.No, ProbeReason.HttpStatus) : ProbeOutcome.Error;
        }
        if (WgetStatus().IsMatch(output)) return new(Reach.No, ProbeReason.HttpStatus);
        if (Has(output, "bad address") || Has(output, "unable to resolve") || Has(output, "name or service not known")
            || Has(output, "could not resolve") || Has(output, "malformed") || Has(output, "unsupported protocol"))
            return ProbeOutcome.Error;
        if (Has(output, "no route to host") || Has(output, "unreachable")) return new(Reach.No, ProbeReason.Unreachable);
        if (Has(output, "timed out")) return new(Reach.No, ProbeReason.NoReply);
        if (Has(output, "connection refused") || Has(output, "connection reset")) return new(Reach.No, ProbeReason.Refused);
        return exitCode switch
        {
            7 => new(Reach.No, ProbeReason.Refused),
            28 => new(Reach.No, ProbeReason.NoReply),
            _ => ProbeOutcome.Error,
        };
    }

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^\s*(\d{3})\s*$", RegexOptions.Multiline)]
    private static partial Regex StatusLine();

    /// <summary>busybox: "server returned error: HTTP/1.1 404 Not Found"; GNU wget: "ERROR 404: Not Found".</summary>
    [GeneratedRegex(@"server returned error: HTTP/\d(?:\.\d)? \d{3}|ERROR \d{3}", RegexOptions.IgnoreCase)]
    private static partial Regex WgetStatus();
}

/// <summary>What a probe observed and why (see <see cref="ProbeCommands.Classify"/>).</summary>
public readonly record struct ProbeOutcome(Reach Outcome, ProbeReason Reason)
{
    /// <summary>The probe could not run or its output cannot be read.</summary>
    public static ProbeOutcome Error { get; } = new(Reach.Error, ProbeReason.ProbeError);
}
