using System.Globalization;
using BashCni.Harness.Reporting;

namespace BashCni.Harness.Cni;

/// <summary>
/// Names a plugin call's report step after its outcome, so a reviewer reads the story without opening anything:
/// <c>ADD eth0 → 10.244.1.5/24 (exit 0, 14 ms)</c>, <c>ADD eth0 → error 111 as expected (exit 1, 9 ms)</c>,
/// <c>DEL eth0 (netns gone) → ok (exit 0, 8 ms)</c>. A call that ends otherwise than the test declared (an error
/// where success was expected, success or another code where an error was) is a failed, red step.
/// </summary>
public static class CniStepNames
{
    /// <summary>The name while the call runs (what an interrupted step keeps).</summary>
    public static string Running(string command, CniCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return $"{command}{Subject(command, call)} → running";
    }

    public static StepConclusion Conclude(string command, CniCall call, CniExchange exchange) =>
        Conclude(command, call, exchange, call?.ExpectedError);

    /// <summary>The name and status for <paramref name="exchange"/> judged against <paramref name="expected"/> (null: success expected).</summary>
    public static StepConclusion Conclude(string command, CniCall call, CniExchange exchange, ExpectedCniError? expected)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(exchange);
        var head = command + Subject(command, call);
        var tail = string.Create(CultureInfo.InvariantCulture, $" (exit {exchange.ExitCode}, {exchange.Duration.TotalMilliseconds:F0} ms)");
        if (exchange.Succeeded)
        {
            var what = SuccessText(command, exchange);
            return expected is null
                ? new StepConclusion($"{head} → {what}{tail}", AllureStatus.Passed)
                : new StepConclusion($"{head} → {what}, but {expected} was expected{tail}", AllureStatus.Failed,
                    $"{command} succeeded; the test expected {expected}");
        }
        if (exchange.Error is not { } error)
            return new StepConclusion($"{head} → failed without a CNI error on stdout{tail}", AllureStatus.Failed,
                $"{command} exited {exchange.ExitCode.ToString(CultureInfo.InvariantCulture)} without a CNI error JSON on stdout");
        var code = error.Code.ToString(CultureInfo.InvariantCulture);
        if (expected is null)
            return new StepConclusion($"{head} → error {code}: {Short(error.Msg)}{tail}", AllureStatus.Failed,
                $"{command} failed unexpectedly: {error}");
        return expected.Accepts(error.Code)
            ? new StepConclusion($"{head} → error {code} as expected{tail}", AllureStatus.Passed, error.ToString())
            : new StepConclusion($"{head} → error {code}, but {expected} was expected{tail}", AllureStatus.Failed,
                $"{command} failed with {error}; the test expected {expected}");
    }

    // " eth0", " eth0 (netns gone)" for a DEL without a namespace; nothing for VERSION/STATUS/GC.
    private static string Subject(string command, CniCall call)
    {
        if (command is CniCommand.Version or CniCommand.Status or CniCommand.Gc) return "";
        var subject = string.IsNullOrEmpty(call.IfName) ? "" : " " + call.IfName;
        if (string.IsNullOrEmpty(call.NetNs) && command is CniCommand.Del or CniCommand.Check) subject += " (netns gone)";
        return subject;
    }

    private static string SuccessText(string command, CniExchange exchange)
    {
        if (command == CniCommand.Add)
        {
            CniResult? result = null;
            try
            {
                result = exchange.Result;
            }
            catch (CniProtocolException)
            {
                return "exit 0 with an unreadable result";
            }
            return result is { Ips.Count: > 0 } ? string.Join(", ", result.Ips.Select(ip => ip.Address)) : "ok, no address";
        }
        return "ok";
    }

    private static string Short(string text)
    {
        var line = (text ?? "").Split('\n')[0].Trim();
        return line.Length <= 80 ? line : line[..80] + "…";
    }
}
