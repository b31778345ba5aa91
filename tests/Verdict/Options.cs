namespace BashCni.Verdict;

/// <summary>"--name value" pairs and "--flag" switches after the command word.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public Options(IEnumerable<string> args)
    {
        string? pending = null;
        foreach (var a in args)
        {
            if (pending is not null) { _values[pending] = a; pending = null; continue; }
            if (!a.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{a}'");
            pending = a[2..];
        }
        if (pending is not null) throw new ArgumentException($"--{pending} needs a value");
    }

    public string this[string name] =>
        _values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");

    public string Or(string name, string fallback) => _values.TryGetValue(name, out var v) ? v : fallback;

    public int Int(string name) =>
        int.TryParse(this[name], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : throw new ArgumentException($"--{name} must be a number (got '{this[name]}')");

    public double Double(string name) =>
        double.TryParse(this[name], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : throw new ArgumentException($"--{name} must be a number (got '{this[name]}')");
}
