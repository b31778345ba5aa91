namespace BashCni.Harness.Cni;

/// <summary>Error codes of the CNI spec (1–99 reserved) and the plugin-specific ones of bash-cni (≥ 100).</summary>
public static class CniErrorCodes
{
    /// <summary>Incompatible / unsupported cniVersion.</summary>
    public const int IncompatibleVersion = 1;

    /// <summary>Unsupported field in the network config (the message names it).</summary>
    public const int UnsupportedField = 2;

    /// <summary>Container unknown or does not exist (CHECK).</summary>
    public const int UnknownContainer = 3;

    /// <summary>Missing or invalid CNI_* environment variables (the message names each).</summary>
    public const int InvalidEnvironmentVariables = 4;

    /// <summary>I/O failure, e.g. the store cannot be written.</summary>
    public const int IoFailure = 5;

    /// <summary>Failed to decode content (malformed JSON).</summary>
    public const int DecodingFailure = 6;

    /// <summary>Invalid network config.</summary>
    public const int InvalidNetworkConfig = 7;

    /// <summary>Try again later (e.g. the store lock was not obtained in time).</summary>
    public const int TryAgainLater = 11;

    /// <summary>STATUS: the plugin is not available to serve ADDs.</summary>
    public const int NotAvailable = 50;

    /// <summary>STATUS: the plugin serves ADDs with limited connectivity.</summary>
    public const int LimitedConnectivity = 51;

    /// <summary>Generic plugin failure.</summary>
    public const int PluginFailure = 100;

    /// <summary>bash-cni-ipam: address range exhausted.</summary>
    public const int RangeExhausted = 110;

    /// <summary>bash-cni-ipam: the container ID + ifname already holds an address.</summary>
    public const int DuplicateAdd = 111;

    /// <summary>A readable name for a code ("7 (invalid network config)").</summary>
    public static string Describe(int code) => code switch
    {
        IncompatibleVersion => "1 (incompatible CNI version)",
        UnsupportedField => "2 (unsupported field)",
        UnknownContainer => "3 (unknown container)",
        InvalidEnvironmentVariables => "4 (invalid environment variables)",
        IoFailure => "5 (I/O failure)",
        DecodingFailure => "6 (failed to decode content)",
        InvalidNetworkConfig => "7 (invalid network config)",
        TryAgainLater => "11 (try again later)",
        NotAvailable => "50 (not available)",
        LimitedConnectivity => "51 (limited connectivity)",
        PluginFailure => "100 (plugin failure)",
        RangeExhausted => "110 (address range exhausted)",
        DuplicateAdd => "111 (duplicate ADD)",
        _ => code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
