using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Config;

/// <summary>One configuration field in one form, and the check that shows it taking effect there.</summary>
public sealed record ConfigFieldCase(string Field, ConfigForm Form, string Effect, Func<FieldForms, Task<Verdict>> Check)
{
    public override string ToString() => $"{Field}@{Form}";
}

/// <summary>
/// Every field of src/Plugin/README.md's table, in every form it is accepted in, with where it acts. The README test
/// (<see cref="ConfigFieldTests.TableCoversEveryReadmeField"/>) fails when a field or form documented there has no
/// row here (or a row here is no longer documented).
/// </summary>
public static class ConfigFieldTable
{
    private static readonly ConfigForm[] Top = [ConfigForm.Top];
    private static readonly ConfigForm[] Ipam = [ConfigForm.Top, ConfigForm.Ipam];
    private static readonly ConfigForm[] Range = [ConfigForm.Top, ConfigForm.Ipam, ConfigForm.Ranges];

    private static readonly (string Field, ConfigForm[] Forms, string Effect, Func<FieldForms, Task<Verdict>> Check)[] Rows =
    [
        ("cniVersion", Top, "result: written in that version", FieldEffectChecks.CniVersionAsync),
        ("name", Top, "allocation: the store directory's name", FieldEffectChecks.NameAsync),
        ("type", Top, "runtime: the binary $CNI_PATH/<type> runs (its log line names it)", FieldEffectChecks.TypeAsync),
        ("network", Top, "informational: another value changes nothing", FieldEffectChecks.NetworkAsync),
        ("subnet", Range, "kernel + result: the pod's address and prefix, the bridge's gateway", FieldEffectChecks.SubnetAsync),
        ("rangeStart", Range, "allocation: the first address handed out", FieldEffectChecks.RangeStartAsync),
        ("rangeEnd", Range, "allocation: the last address handed out, then 110", FieldEffectChecks.RangeEndAsync),
        ("gateway", Range, "kernel + result: bridge address, pod default route, result gateway", FieldEffectChecks.GatewayAsync),
        ("routes", Ipam, "kernel + result: the route in the pod and in the result", FieldEffectChecks.RoutesAsync),
        ("dataDir", [ConfigForm.Top, ConfigForm.Ipam, ConfigForm.TopOfIpamForm], "allocation: the store root", FieldEffectChecks.DataDirAsync),
        ("lockTimeout", Ipam, "result: code 11 after that many seconds of a held store lock", FieldEffectChecks.LockTimeoutAsync),
        ("bridge", Top, "kernel + result: the bridge the host veth joins", FieldEffectChecks.BridgeAsync),
        ("mtu", Top, "kernel: MTU of the bridge and both veth ends", FieldEffectChecks.MtuAsync),
        ("dns", Top, "result: copied into dns", FieldEffectChecks.DnsAsync),
        ("logFile", Top, "log: where the line goes", FieldEffectChecks.LogFileAsync),
        ("logLevel", Top, "log: debug adds the call's input", FieldEffectChecks.LogLevelAsync),
        ("prevResult", Top, "result: what CHECK compares the kernel and store with", FieldEffectChecks.PrevResultAsync),
        ("cni.dev/valid-attachments", Top, "allocation: what GC keeps", FieldEffectChecks.ValidAttachmentsAsync),
    ];

    public static IReadOnlyList<ConfigFieldCase> All { get; } =
        Rows.SelectMany(r => r.Forms.Select(form => new ConfigFieldCase(r.Field, form, r.Effect, r.Check))).ToList();
}
