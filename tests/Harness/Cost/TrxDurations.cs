using System.Globalization;
using System.Xml.Linq;

namespace BashCni.Harness.Cost;

/// <summary>
/// Each test's duration from a TRX file: <c>UnitTestResult/@duration</c> (hh:mm:ss.fffffff), named
/// <c>Class.Test</c> through the result's <c>testId</c> and its <c>UnitTest/TestMethod/@className</c>.
/// </summary>
public static class TrxDurations
{
    /// <summary>The tests of the TRX file at <paramref name="path"/>; empty when the file was not written.</summary>
    public static IReadOnlyList<TestCost> Read(string path)
    {
        if (!File.Exists(path)) return [];
        var doc = XDocument.Load(path);
        var classes = doc.Descendants().Where(e => e.Name.LocalName == "UnitTest")
            .Select(e => (Id: (string?)e.Attribute("id"),
                Class: (string?)e.Elements().FirstOrDefault(m => m.Name.LocalName == "TestMethod")?.Attribute("className")))
            .Where(t => t.Id is not null)
            .GroupBy(t => t.Id!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Class ?? "", StringComparer.Ordinal);
        return doc.Descendants().Where(e => e.Name.LocalName == "UnitTestResult")
            .Select(r =>
            {
                var name = (string?)r.Attribute("testName") ?? "?";
                var cls = classes.GetValueOrDefault((string?)r.Attribute("testId") ?? "", "");
                var shortClass = cls[(cls.LastIndexOf('.') + 1)..];
                return new TestCost(shortClass.Length > 0 ? $"{shortClass}.{name}" : name, Seconds((string?)r.Attribute("duration")));
            })
            .ToList();
    }

    /// <summary>A TRX duration in seconds; a result without one (not executed) took none.</summary>
    public static double Seconds(string? duration) =>
        TimeSpan.TryParse(duration, CultureInfo.InvariantCulture, out var t) ? t.TotalSeconds : 0;
}
