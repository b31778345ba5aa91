namespace BashCni.Harness.Reporting;

/// <summary>
/// One step of a test as its verdict sees it: its name and whether it ended failed. Kept whether or not a report is
/// written, and concluded again when the test later declares the step's failure expected (a refused ADD the test
/// checks with <c>ExpectError</c>).
/// </summary>
public sealed class StepRecord
{
    private readonly Lock _gate = new();
    private string _name;
    private bool _failed;
    private string? _message;

    internal StepRecord(string name, string? expectedBecause)
    {
        _name = name;
        ExpectedBecause = expectedBecause;
    }

    /// <summary>Set when the step ran inside <see cref="RedSteps.Expect"/>: its failure is the test's subject, not a defect.</summary>
    public string? ExpectedBecause { get; }

    public string Name
    {
        get
        {
            lock (_gate) return _name;
        }
    }

    public bool Failed
    {
        get
        {
            lock (_gate) return _failed;
        }
    }

    public string? Message
    {
        get
        {
            lock (_gate) return _message;
        }
    }

    /// <summary>Sets the outcome; a later call wins (the step's failure was declared expected after it ended).</summary>
    internal void Conclude(string? name, bool failed, string? message)
    {
        lock (_gate)
        {
            if (name is not null) _name = name;
            _failed = failed;
            _message = message;
        }
    }

    public override string ToString()
    {
        lock (_gate) return _message is null ? _name : $"{_name}: {_message}";
    }
}
