namespace BashCni.Harness.Cni;

/// <summary>The values of CNI_COMMAND.</summary>
public static class CniCommand
{
    public const string Add = "ADD";
    public const string Del = "DEL";
    public const string Check = "CHECK";
    public const string Version = "VERSION";
    public const string Status = "STATUS";
    public const string Gc = "GC";

    public static IReadOnlyList<string> All { get; } = [Add, Del, Check, Version, Status, Gc];
}
