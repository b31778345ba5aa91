namespace BashCni.Harness.Reachability;

/// <summary>One cell of a reachability matrix.</summary>
public enum Reach
{
    /// <summary>The pair is not probed (a pod and itself, a pod and its own node's address, …).</summary>
    NotApplicable,

    /// <summary>The target answered.</summary>
    Yes,

    /// <summary>The target did not answer.</summary>
    No,

    /// <summary>The probe itself could not run (tool missing in the pod, no pod IP, exec failed).</summary>
    Error,
}

public static class ReachExtensions
{
    /// <summary>The text a grid shows for the cell: "yes", "no", "-" (not applicable), "ERR".</summary>
    public static string Symbol(this Reach reach) => reach switch
    {
        Reach.Yes => "yes",
        Reach.No => "no",
        Reach.Error => "ERR",
        _ => "-",
    };

    public static Reach FromBool(bool reachable) => reachable ? Reach.Yes : Reach.No;
}
