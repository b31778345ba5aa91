using BashCni.Tests.Netns.SelfTest;

namespace BashCni.Tests.Netns.Config;

/// <summary>
/// The configuration-field checks as catchers for the self-test (fixtures/plugins/broken): each field's check in the
/// lab form. lockTimeout's check is the held-lock check (its catcher is in SelfTest/CheckCatchers); the
/// valid-attachments check belongs to the GC family.
/// </summary>
public static class ConfigFieldCatchers
{
    [CatcherSource]
    public static IEnumerable<Catcher> All()
    {
        var cases = ConfigFieldTable.All.Where(c => c.Form == ConfigForm.Top && c.Field != "lockTimeout");
        foreach (var c in cases)
        {
            var name = CheckName(c.Field);
            var family = c.Field == "cni.dev/valid-attachments" ? "GC keeps valid attachments and releases the rest" : null;
            yield return new Catcher(name, node => c.Check(new FieldForms(node, ConfigForm.Top)), family);
        }
    }

    /// <summary>The Verdict check name each field's check reports.</summary>
    public static string CheckName(string field) => field switch
    {
        "cniVersion" => "cniVersion selects the result's version",
        "name" => "name names the store directory",
        "type" => "type names the binary the runtime runs",
        "network" => "network is informational",
        "subnet" => "subnet is where addresses come from",
        "rangeStart" => "rangeStart is the first address handed out",
        "rangeEnd" => "rangeEnd is the last address handed out",
        "gateway" => "gateway is the bridge's address and the pod's default route",
        "routes" => "routes are set in the pod and returned",
        "dataDir" => "dataDir is the store root",
        "bridge" => "bridge names the bridge the host veth joins",
        "mtu" => "mtu is set on the bridge and both veth ends",
        "dns" => "dns is copied into the result",
        "logFile" => "logFile is where the log line goes",
        "logLevel" => "logLevel debug adds the call's input to the log line",
        "prevResult" => "prevResult is what CHECK compares with",
        "cni.dev/valid-attachments" => "cni.dev/valid-attachments is what GC keeps",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "a field without a check name: add it here"),
    };
}
