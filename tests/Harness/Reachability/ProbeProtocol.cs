namespace BashCni.Harness.Reachability;

public enum ProbeProtocol
{
    /// <summary>One ICMP echo request (<c>ping -c1 -W1</c>).</summary>
    Icmp,

    /// <summary>An HTTP GET with a short timeout (curl or wget, whichever the pod has).</summary>
    Http,
}
