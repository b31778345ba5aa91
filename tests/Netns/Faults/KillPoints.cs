namespace BashCni.Tests.Netns.Faults;

/// <summary>Files whose syscalls mark an ADD's progress (strace kills the plugin at the WHEN-th call on one of them).</summary>
public enum ProgressFile
{
    /// <summary>The attachment's mark <c>.ids/.lock-ID:IFNAME</c>.</summary>
    Mark,
    /// <summary>The reservation file <c>&lt;store&gt;/&lt;ip&gt;</c>.</summary>
    Reservation,
    /// <summary>The index entry <c>.ids/ID:IFNAME</c>.</summary>
    Index,
    /// <summary>The index stamp <c>.ids/.synced</c>, written after a change to the store.</summary>
    Synced,
    /// <summary>The ADD's stdout (the result).</summary>
    Result,
}

/// <summary>
/// A point of an ADD's progress where the trials kill it (SIGKILL), chosen by what the ADD has done, never by time:
/// at a gate (<see cref="ProgressGateScripts.Gate"/>: a process of the ADD reached a step and is held there) and/or at
/// a syscall of the plugin's main process (strace's fault injection kills it at the <see cref="When"/>-th
/// <see cref="Call"/> on <see cref="File"/>). <see cref="Expect"/> = what must be seen right after the kill (the
/// trial script's "observed" words), proving the point was hit.
/// </summary>
public sealed record KillPoint(string Name, string What, string? GateStep, ProgressFile? File, string Call, int When,
    IReadOnlyList<string> Expect)
{
    /// <summary>True when a process of the killed ADD is held at its gate while the runtime's DEL arrives.</summary>
    public bool HoldsAChild => GateStep is not null;

    public override string ToString() => Name;
}

/// <summary>The kill points of the trials, in the order an ADD of bash-cni passes them.</summary>
public static class KillPoints
{
    public static readonly IReadOnlyList<KillPoint> All =
    [
        new("mark-empty", "the mark file created, 'adding' not yet written into it", null, ProgressFile.Mark, "write", 1,
            ["mark-empty", "reservation-none", "veth-none"]),
        new("lock-wait", "mark written; the helper is about to take the store lock (held there while DEL arrives)",
            "lock", null, "", 0, ["mark-adding", "reservation-none", "veth-none"]),
        new("reserve-open", "lock held, about to create the reservation file", null, ProgressFile.Reservation, "openat", 1,
            ["mark-adding", "reservation-none"]),
        new("reserve-empty", "the reservation file created, its owner not yet written", null, ProgressFile.Reservation, "write", 1,
            ["mark-adding", "reservation-empty"]),
        new("reserve-id-line", "the reservation file holds only the container ID line", null, ProgressFile.Reservation, "write", 2,
            ["mark-adding", "reservation-id-line"]),
        new("index-missing", "the reservation written, its index entry not", null, ProgressFile.Index, "openat", 1,
            ["mark-adding", "reservation-complete", "index-none"]),
        new("store-entry", "reservation and index written (store not yet stamped); the pair's `ip` held while DEL arrives",
            "pair", ProgressFile.Synced, "openat", 1, ["mark-adding", "reservation-complete", "index", "veth-none"]),
        new("veth-exists", "the pair exists; the pod's `ip` held before it configures eth0 while DEL arrives",
            "pod", null, "", 0, ["mark-adding", "veth", "pod-address-none"]),
        new("address-set", "the pod's eth0 has its address; that `ip` held before it exits while DEL arrives",
            "pod-done", null, "", 0, ["mark-adding", "reservation-complete", "veth", "pod-address"]),
        new("result-unwritten", "everything done and the mark cleared, the result not yet printed", null, ProgressFile.Result, "write", 1,
            ["mark-empty", "reservation-complete", "pod-address", "result-none"]),
    ];

    public static KillPoint Named(string name) => All.Single(p => p.Name == name);
}
