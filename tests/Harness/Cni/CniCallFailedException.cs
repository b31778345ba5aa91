namespace BashCni.Harness.Cni;

/// <summary>A plugin call that was expected to succeed exited non-zero.</summary>
public sealed class CniCallFailedException(CniExchange exchange)
    : Exception($"CNI {exchange.Command} failed (exit {exchange.ExitCode})" +
                (exchange.Error is { } e ? $": {e}" : " without a CNI error on stdout") + "\n" + exchange)
{
    public CniExchange Exchange { get; } = exchange;
}
