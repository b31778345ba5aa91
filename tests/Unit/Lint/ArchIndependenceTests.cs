using System.Text.RegularExpressions;
using BashCni.Harness;
using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Lint;

/// <summary>
/// The harness runs on any architecture Linux runs on: a syscall number differs between them (flock is 73 on
/// x86_64 and 32 on aarch64, read 0 and 63), so a script of the harness never compares the number in
/// <c>/proc/PID/syscall</c> with a literal. What a blocked process waits for is read where the kernel names it:
/// a blocked flock in <c>/proc/locks</c> (a "->" waiter line), a blocked read in <c>/proc/PID/wchan</c>.
/// </summary>
[Category("Unit")]
[Feature("Script quality")]
public sealed partial class ArchIndependenceTests
{
    // A variable read from /proc/PID/syscall compared with a literal number: [[ "$nr" == 73 ]].
    [GeneratedRegex(@"/proc/[^ ""]*/syscall")]
    private static partial Regex SyscallFile();

    [GeneratedRegex(@"\[\[ ""?\$\{?[a-z_]+\}?""? == ""?\d+""? \]\]")]
    private static partial Regex NumberComparison();

    /// <summary>The lines of <paramref name="text"/> (a C# file holding a script) that judge a syscall by its number.</summary>
    internal static IEnumerable<string> SyscallNumberComparisons(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if (SyscallFile().IsMatch(lines[i]) && NumberComparison().IsMatch(lines[i]))
                yield return $"line {i + 1}: {lines[i].Trim()}";
    }

    [Test]
    public void NoScriptJudgesASyscallByItsNumber()
    {
        var tests = Path.Combine(RepoPaths.Root, "tests");
        var found = Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.EndsWith(nameof(ArchIndependenceTests) + ".cs", StringComparison.Ordinal))
            .SelectMany(f => SyscallNumberComparisons(File.ReadAllText(f)).Select(l => $"{Path.GetRelativePath(RepoPaths.Root, f)} {l}"))
            .ToList();
        Evidence.Attach("syscall numbers compared", string.Join('\n', found));
        Assert.That(found, Is.Empty, "a script compares a syscall number (architecture-specific) read from /proc/PID/syscall");
    }

    [TestCase("if read -r nr _ 2>/dev/null <\"/proc/$pid/syscall\" && [[ \"$nr\" == 73 ]]; then", true)]
    [TestCase("if read -r nr fd _ 2>/dev/null <\"/proc/$pid/syscall\" && [[ \"$nr\" == 0 ]] &&", true)]
    [TestCase("if read -r _ fd _ 2>/dev/null <\"/proc/$pid/syscall\" && [[ \"$(<\"/proc/$pid/wchan\")\" == *pipe_read ]]; then", false)]
    public void TheLintSeesAComparison(string line, bool seen) =>
        Assert.That(SyscallNumberComparisons(line).Any(), Is.EqualTo(seen));
}
