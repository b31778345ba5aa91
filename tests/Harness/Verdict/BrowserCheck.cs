namespace BashCni.Harness.Verdict;

/// <summary>How the report's browser check ended.</summary>
public enum BrowserCheckState
{
    /// <summary>No report was asked for (--no-report): nothing to check.</summary>
    NotWanted,
    Passed,
    /// <summary>The check failed, or the report it checks could not be rendered or checked.</summary>
    Failed,
    /// <summary>A report was asked for but the check did not run (no root, no Node.js).</summary>
    NotRun,
}

/// <summary>The browser check's state and the text run-tests.sh shows for it.</summary>
public sealed record BrowserCheck(BrowserCheckState State, string Text);
