namespace BashCni.Harness.Conformance;

/// <summary>How a profile fares on one clause.</summary>
public enum ClauseResult
{
    Pass,
    Fail,
    /// <summary>Failed, and the profile documents why (the upstream source that explains it).</summary>
    KnownDeviation,
    /// <summary>The clause's checks do not apply to this plugin (the reason says why).</summary>
    NotApplicable,
    /// <summary>No check enforces the clause.</summary>
    Uncovered,
}

/// <summary>One check's outcome within a clause: its name, result and what explains it (problems, deviation, why n/a).</summary>
public sealed record CheckOutcome(string Check, ClauseResult Result, string Note = "");

/// <summary>One row of a conformance table: a clause and the outcomes of the checks that enforce it.</summary>
public sealed record ClauseOutcome(SpecClause Clause, IReadOnlyList<CheckOutcome> Checks, int ChecksMapped)
{
    /// <summary>Fail if any check failed; else a known deviation if any deviated; else pass if any passed; else n/a.</summary>
    public ClauseResult Result =>
        ChecksMapped == 0 ? ClauseResult.Uncovered
        : Checks.Any(c => c.Result == ClauseResult.Fail) ? ClauseResult.Fail
        : Checks.Any(c => c.Result == ClauseResult.KnownDeviation) ? ClauseResult.KnownDeviation
        : Checks.Any(c => c.Result == ClauseResult.Pass) ? ClauseResult.Pass
        : ClauseResult.NotApplicable;
}
