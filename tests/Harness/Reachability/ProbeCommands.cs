namespace BashCni.Harness.Reachability;

/// <summary>The commands a probe runs inside the source pod, and how their outcome is read.</summary>
public static class ProbeCommands
{
    /// <summary>
    /// HTTP GET with a 2 s limit using whichever client the pod has; <c>$1</c> is the URL. Exit 0 only for a
    /// successful answer; 127 when the pod has neither curl nor wget (a probe error, not "unreachable").
    /// </summary>
    public const string HttpScript =
        "if command -v curl >/dev/null 2>&1; then exec curl -fsS --max-time 2 -o /dev/null -w '%{http_code}\\n' \"$1\"; " +
        "elif command -v wget >/dev/null 2>&1; then exec wget -q -T 2 -O- \"$1\"; " +
        "else echo 'neither curl nor wget in this pod' >&2; exit 127; fi";

    /// <summary>One echo request, one second to answer.</summary>
    public static IReadOnlyList<string> Icmp(string address) => ["ping", "-c1", "-W1", address];

    public static IReadOnlyList<string> Http(string url) => ["sh", "-c", HttpScript, "http-probe", url];

    /// <summary>
    /// 0 → reached; 126/127 (command missing or not executable) or a ping that could not even open its socket →
    /// <see cref="Reach.Error"/>; any other exit (no reply, timeout, refused, no route) → not reached.
    /// </summary>
    public static Reach Classify(int exitCode, string stdout, string stderr)
    {
        if (exitCode == 0) return Reach.Yes;
        if (exitCode is 126 or 127) return Reach.Error;
        var output = (stdout ?? "") + "\n" + (stderr ?? "");
        if (output.Contains("socket:", StringComparison.OrdinalIgnoreCase)
            || output.Contains("permission denied", StringComparison.OrdinalIgnoreCase)
            || output.Contains("executable file not found", StringComparison.OrdinalIgnoreCase))
            return Reach.Error;
        return Reach.No;
    }
}
