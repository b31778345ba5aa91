namespace BashCni.Harness.Reachability;

/// <summary>
/// Why a probe ended the way it did. An expected "no" holds only for the reasons its stage allows (the lab stage's
/// drops are <see cref="NoReply"/>); a "no" for any other reason is a difference.
/// </summary>
public enum ProbeReason
{
    /// <summary>The prober did not say (older evidence, a probe that did not run).</summary>
    Unknown,

    /// <summary>The target answered (echo reply, TCP connection, HTTP 2xx/3xx).</summary>
    Reply,

    /// <summary>Nothing came back within the probe's limit (dropped on the way).</summary>
    NoReply,

    /// <summary>The target's host answered with a refusal (TCP RST, ICMP port unreachable).</summary>
    Refused,

    /// <summary>No route from the source, or an ICMP destination/host unreachable came back.</summary>
    Unreachable,

    /// <summary>An HTTP server answered, with a status that is not a success (the server was reached).</summary>
    HttpStatus,

    /// <summary>The probe itself could not run or its output cannot be read (tool missing, exec failed, bad URL).</summary>
    ProbeError,
}

public static class ProbeReasonExtensions
{
    /// <summary>The words a grid cell and a failure message use for the reason.</summary>
    public static string Words(this ProbeReason reason) => reason switch
    {
        ProbeReason.Reply => "reply",
        ProbeReason.NoReply => "no reply",
        ProbeReason.Refused => "refused",
        ProbeReason.Unreachable => "unreachable",
        ProbeReason.HttpStatus => "HTTP status answered",
        ProbeReason.ProbeError => "probe error",
        _ => "reason unknown",
    };
}
