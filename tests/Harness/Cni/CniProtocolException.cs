namespace BashCni.Harness.Cni;

/// <summary>The plugin's output broke the CNI protocol or the test's expectation of it (wrong kind of output, wrong code).</summary>
public sealed class CniProtocolException : InvalidOperationException
{
    public CniProtocolException(string message, CniExchange exchange, Exception? inner = null)
        : base(message + "\n" + exchange, inner) => Exchange = exchange;

    public CniExchange Exchange { get; }
}
