using System.Globalization;
using System.Xml.Linq;

namespace BashCni.Harness.Verdict;

/// <summary>
/// What the test platform recorded in a TRX file's <c>Counters</c> element: <c>passed</c>; <c>failed</c> with
/// <c>error</c>, <c>timeout</c> and <c>aborted</c>; every other test of <c>total</c> was not executed (skipped).
/// </summary>
public sealed record TrxCounts(int Total, int Passed, int Failed)
{
    public int Skipped => Total - Passed - Failed;

    /// <summary>Tests that ran to a verdict (passed or failed); zero means the run executed no test.</summary>
    public int Executed => Passed + Failed;

    /// <summary>The counters of the TRX file at <paramref name="path"/>, or null when the file was not written.</summary>
    public static TrxCounts? Read(string path)
    {
        if (!File.Exists(path)) return null;
        var counters = XDocument.Load(path).Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters");
        if (counters is null) return new TrxCounts(0, 0, 0);
        int N(string name) => int.TryParse(counters.Attribute(name)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
        return new TrxCounts(N("total"), N("passed"), N("failed") + N("error") + N("timeout") + N("aborted"));
    }
}
