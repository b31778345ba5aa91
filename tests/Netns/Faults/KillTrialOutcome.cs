using System.Globalization;

namespace BashCni.Tests.Netns.Faults;

/// <summary>What one run of <see cref="ProgressGateScripts.Trial"/> printed.</summary>
public sealed record KillTrialOutcome(int? AddExit, bool Held, IReadOnlyList<string> Observed, bool DelWaited, int? DelExit,
    string DelOut, IReadOnlyList<string> Timeouts)
{
    public static KillTrialOutcome Parse(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        int? addExit = null, delExit = null;
        var held = false;
        var delWaited = false;
        IReadOnlyList<string> observed = [];
        var delOut = "";
        var timeouts = new List<string>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var (word, rest) = line.IndexOf(' ', StringComparison.Ordinal) is var i and >= 0 ? (line[..i], line[(i + 1)..]) : (line, "");
            switch (word)
            {
                case "add-exit": addExit = int.Parse(rest, CultureInfo.InvariantCulture); break;
                case "reached": held = true; break;
                case "observed": observed = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries); break;
                case "del-waited": delWaited = rest == "yes"; break;
                case "del-exit": delExit = int.Parse(rest, CultureInfo.InvariantCulture); break;
                case "del-out": delOut = rest.Trim(); break;
                case "timeout": timeouts.Add(line); break;
            }
        }
        return new KillTrialOutcome(addExit, held, observed, delWaited, delExit, delOut, timeouts);
    }
}
